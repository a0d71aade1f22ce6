#include "core/playbook/audience.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/util/random.h"
#include "core/util/text.h"

namespace rapport {

const char* AudienceFormatName(AudienceFormat format) {
  switch (format) {
    case AudienceFormat::kKlaviyo: return "klaviyo";
    case AudienceFormat::kMailchimp: return "mailchimp";
    case AudienceFormat::kOmnisend: return "omnisend";
  }
  return "?";
}

bool AudienceFormatFromName(std::string_view name, AudienceFormat* format) {
  for (AudienceFormat f : {AudienceFormat::kKlaviyo, AudienceFormat::kMailchimp, AudienceFormat::kOmnisend}) {
    if (EqualsIgnoreCase(TrimAscii(name), AudienceFormatName(f))) {
      *format = f;
      return true;
    }
  }
  return false;
}

std::string NeutralizeCell(std::string_view value) {
  std::string out;
  // OWASP "CSV Injection": = + - @ and tab / carriage return start a formula in Excel, LibreOffice, Sheets.
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                         value[0] == '\t' || value[0] == '\r')) {
    out.push_back('\'');
  }
  out.append(value.data(), value.size());
  return out;
}

std::string CsvCell(std::string_view value) {
  const std::string cell = NeutralizeCell(value);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

uint64_t HoldoutSeed(uint64_t seed, std::string_view audience_name) {
  // Names differing only in case or surrounding spaces are the same audience.
  return seed ^ Fnv1a64(ToLowerAscii(TrimAscii(audience_name)));
}

std::vector<uint8_t> DrawHoldout(size_t n, double share, uint64_t seed, std::string_view audience_name) {
  std::vector<uint8_t> holdout(n, 0);
  if (!(share > 0)) return holdout;
  if (share > 1) share = 1;
  const size_t k = static_cast<size_t>(std::llround(share * static_cast<double>(n)));
  // A partial Fisher-Yates shuffle of the indices: the first k are the holdout.
  Random rng(HoldoutSeed(seed, audience_name));
  std::vector<uint32_t> index(n);
  for (size_t i = 0; i < n; ++i) index[i] = static_cast<uint32_t>(i);
  for (size_t i = 0; i < k && i < n; ++i) {
    const size_t j = i + static_cast<size_t>(rng.Below(n - i));
    std::swap(index[i], index[j]);
    holdout[index[i]] = 1;
  }
  return holdout;
}

Audience BuildAudience(const Workspace& ws, const AudienceRequest& request) {
  Audience a;
  a.name = request.name;
  a.format = request.format;
  const CustomerTable& cu = ws.customers;
  std::vector<size_t> rows;  // index into request.customers of the members written
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < request.customers.size(); ++i) {
    const uint32_t c = request.customers[i];
    if (c >= cu.size() || cu.email[c].empty()) {
      ++a.skipped_no_email;
      continue;
    }
    if (!seen.insert(cu.email[c]).second) {
      ++a.skipped_duplicate_email;
      continue;
    }
    rows.push_back(i);
    a.customers.push_back(c);
  }
  a.holdout = DrawHoldout(a.customers.size(), request.holdout_share, request.seed, request.name);

  const bool properties = request.format != AudienceFormat::kMailchimp;
  std::vector<std::string> header;
  switch (request.format) {
    case AudienceFormat::kKlaviyo: header = {"Email", "First Name", "Last Name"}; break;
    case AudienceFormat::kMailchimp: header = {"Email Address", "First Name", "Last Name", "Tags"}; break;
    case AudienceFormat::kOmnisend: header = {"Email", "First name", "Last name", "Tags"}; break;
  }
  if (properties) {
    for (const std::string& p : request.property_names) header.push_back(p);
  }
  auto line = [](const std::vector<std::string>& cells, std::string* out) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out->push_back(',');
      *out += CsvCell(cells[i]);
    }
    *out += "\r\n";
  };
  line(header, &a.csv);
  line({"Email", "First Name", "Last Name", "Customer Key"}, &a.holdout_csv);
  const std::string tag = std::string(TrimAscii(request.name)).substr(0, 100);  // Mailchimp: tags <= 100 chars
  for (size_t r = 0; r < a.customers.size(); ++r) {
    const uint32_t c = a.customers[r];
    const std::string first(c < cu.first_name.size() ? cu.first_name[c] : std::string_view());
    const std::string last(c < cu.last_name.size() ? cu.last_name[c] : std::string_view());
    if (a.holdout[r]) {
      ++a.held_out;
      line({std::string(cu.email[c]), first, last, std::string(cu.key[c])}, &a.holdout_csv);
      continue;
    }
    ++a.sent;
    std::vector<std::string> cells = {std::string(cu.email[c]), first, last};
    if (request.format != AudienceFormat::kKlaviyo) cells.push_back(tag);
    if (properties) {
      const size_t i = rows[r];
      for (size_t p = 0; p < request.property_names.size(); ++p) {
        cells.push_back(i < request.property_values.size() && p < request.property_values[i].size()
                            ? request.property_values[i][p]
                            : std::string());
      }
    }
    line(cells, &a.csv);
  }
  return a;
}

}  // namespace rapport
