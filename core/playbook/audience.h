// Audiences: a segment's or a playbook's customers as a CSV file that an email platform imports (Klaviyo,
// Mailchimp, Omnisend; column conventions in FORMATS.md §8), with a random holdout group kept out of the file
// so a later import can measure the campaign's real lift (core/playbook/lift.h).
//
// - Only customers with an email address are written; duplicates (same address) are written once.
// - Dates are YYYY-MM-DD (every platform reads it; never DD-MM-YYYY).
// - Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading `'`
//   (OWASP "CSV injection"); cells with a comma, quote or line break are quoted, quotes doubled (RFC 4180).
// - The holdout is drawn with Rapport's own PRNG (core/util/random.h) seeded with settings.seed mixed with a
//   hash of the audience name, so the same audience gives the same groups natively and in wasm.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/workspace/workspace.h"

namespace rapport {

enum class AudienceFormat : uint8_t { kKlaviyo, kMailchimp, kOmnisend };
const char* AudienceFormatName(AudienceFormat format);
bool AudienceFormatFromName(std::string_view name, AudienceFormat* format);

// The cell as written to the file: neutralised against formula injection, then CSV-quoted when needed.
std::string NeutralizeCell(std::string_view value);
std::string CsvCell(std::string_view value);

// Holdout flags for n members (in the order given): exactly round(share * n) of them are 1, chosen uniformly
// with Random(HoldoutSeed(seed, name)). share is clamped to [0, 1].
uint64_t HoldoutSeed(uint64_t seed, std::string_view audience_name);
std::vector<uint8_t> DrawHoldout(size_t n, double share, uint64_t seed, std::string_view audience_name);

struct AudienceRequest {
  std::string name;                 // segment or playbook name: seeds the holdout, written as the tag
  AudienceFormat format = AudienceFormat::kKlaviyo;
  double holdout_share = 0.10;
  uint64_t seed = 0;                // settings.seed
  std::vector<uint32_t> customers;  // members, ascending customer id
  // Extra columns (custom properties): names, and one row of values per member (same order as customers).
  // Mailchimp files carry only Email Address, First Name, Last Name and Tags (other columns must exist as
  // audience fields first), so properties are left out of them.
  std::vector<std::string> property_names;
  std::vector<std::vector<std::string>> property_values;
};

struct Audience {
  std::string name;
  AudienceFormat format = AudienceFormat::kKlaviyo;
  std::vector<uint32_t> customers;  // members with an email, ascending customer id (duplicates removed)
  std::vector<uint8_t> holdout;     // 1 = held out (not in the file)
  uint64_t skipped_no_email = 0;
  uint64_t skipped_duplicate_email = 0;
  uint64_t sent = 0, held_out = 0;
  std::string csv;                  // the file to import: the members not held out
  std::string holdout_csv;          // Email,First Name,Last Name,Customer Key: the held-out members
};

Audience BuildAudience(const Workspace& workspace, const AudienceRequest& request);

}  // namespace rapport
