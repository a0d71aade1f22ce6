#include "core/segment/ast.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {

const std::vector<FieldInfo>& SegmentFields() {
  using T = FieldType;
  using F = FieldId;
  static const std::vector<FieldInfo> kFields = {
      {F::kOrders, "orders", {"number_of_orders", "order_count", nullptr}, T::kCount,
       "Valid orders placed on or before the analysis date", "orders >= 2"},
      {F::kNetSpend, "net_spend", {"amount_spent", "total_spent", nullptr}, T::kMoney,
       "Net revenue from the customer (total - refunded), in the analysis currency", "amount_spent > 250"},
      {F::kAov, "aov", {"average_order_value", nullptr, nullptr}, T::kMoney,
       "Average order value: net spend / orders", "aov >= 80"},
      {F::kFirstOrderDate, "first_order_date", {nullptr, nullptr, nullptr}, T::kDate,
       "Day of the first valid order", "first_order_date >= 2025-01-01"},
      {F::kLastOrderDate, "last_order_date", {nullptr, nullptr, nullptr}, T::kDate,
       "Day of the latest valid order", "last_order_date < -90d"},
      {F::kDaysSinceLastOrder, "days_since_last_order", {"recency", nullptr, nullptr}, T::kCount,
       "Days from the latest valid order to the analysis date", "days_since_last_order > 120"},
      {F::kDaysSinceFirstOrder, "days_since_first_order", {"customer_age", nullptr, nullptr}, T::kCount,
       "Days from the first valid order to the analysis date", "days_since_first_order <= 30"},
      {F::kRfmR, "rfm_r", {"recency_score", nullptr, nullptr}, T::kCount,
       "RFM recency score 1..5 (5 = most recent)", "rfm_r >= 4"},
      {F::kRfmF, "rfm_f", {"frequency_score", nullptr, nullptr}, T::kCount,
       "RFM frequency score 1..5", "rfm_f = 5"},
      {F::kRfmM, "rfm_m", {"monetary_score", nullptr, nullptr}, T::kCount,
       "RFM monetary score 1..5", "rfm_m >= 4"},
      {F::kRfmFm, "rfm_fm", {"fm_score", nullptr, nullptr}, T::kCount,
       "RFM grid column 1..5: the mean of the frequency and monetary scores, rounded half up", "rfm_r = 5 AND rfm_fm >= 4"},
      {F::kRfmSegment, "rfm_segment", {"rfm_group", nullptr, nullptr}, T::kEnum,
       "One of the 11 named RFM segments", "rfm_segment IN (\"Champions\", \"Loyal Customers\")"},
      {F::kStage, "stage", {"funnel_stage", nullptr, nullptr}, T::kEnum,
       "Retention funnel stage: new, one_time, repeat, loyal, advocate, at_risk, lapsed", "stage = \"at_risk\""},
      {F::kPAlive, "p_alive", {"probability_alive", nullptr, nullptr}, T::kNumber,
       "Probability the customer is still active (0..1), from the fitted model", "p_alive < 0.3"},
      {F::kPredictedClv, "predicted_clv", {"clv", nullptr, nullptr}, T::kMoney,
       "Predicted customer lifetime value over the CLV horizon", "predicted_clv > 500"},
      {F::kNextOrderDate, "next_order_date", {"predicted_next_order_date", nullptr, nullptr}, T::kDate,
       "Expected date of the next order, from the fitted model", "next_order_date <= +14d"},
      {F::kCountry, "country", {"customer_country", "customer_countries", nullptr}, T::kText,
       "Country as exported (ISO-2 code or name)", "country IN (\"US\", \"CA\")"},
      {F::kTags, "tags", {"customer_tags", nullptr, nullptr}, T::kTags,
       "The customer's tags (use CONTAINS)", "tags CONTAINS \"wholesale\""},
      {F::kAcceptsMarketing, "accepts_marketing", {"accepts_email_marketing", nullptr, nullptr}, T::kBool,
       "Opted in to email marketing (customers with no answer match neither true nor false)",
       "accepts_marketing = true"},
      {F::kEmailSubscriptionStatus, "email_subscription_status", {nullptr, nullptr, nullptr}, T::kEnum,
       "subscribed, not_subscribed or unknown (from accepts marketing)",
       "email_subscription_status = \"subscribed\""},
      {F::kMinRating, "min_rating", {"lowest_rating", nullptr, nullptr}, T::kNumber,
       "Lowest review rating given (1..5)", "min_rating <= 2"},
      {F::kAvgRating, "avg_rating", {"average_rating", nullptr, nullptr}, T::kNumber,
       "Mean review rating given (1..5)", "avg_rating >= 4.5"},
      {F::kReviews, "reviews", {"review_count", nullptr, nullptr}, T::kCount,
       "Number of reviews written", "reviews >= 1"},
      {F::kNps, "nps", {"nps_score", nullptr, nullptr}, T::kCount,
       "Latest NPS answer (0..10)", "nps >= 9"},
      {F::kTickets, "tickets", {"ticket_count", nullptr, nullptr}, T::kCount,
       "Number of support tickets", "tickets >= 2"},
      {F::kEmail, "email", {"customer_email", nullptr, nullptr}, T::kText,
       "Email address (lower-case)", "email CONTAINS \"@example.com\""},
      {F::kEmailDomain, "email_domain", {"customer_email_domain", nullptr, nullptr}, T::kText,
       "The part of the email after @", "email_domain = \"gmail.com\""},
      {F::kFirstName, "first_name", {nullptr, nullptr, nullptr}, T::kText, "First name", "first_name = \"Ana\""},
      {F::kLastName, "last_name", {nullptr, nullptr, nullptr}, T::kText, "Last name", "last_name CONTAINS \"son\""},
  };
  return kFields;
}

const FieldInfo* FindSegmentField(std::string_view name) {
  for (const FieldInfo& f : SegmentFields()) {
    if (EqualsIgnoreCase(name, f.name)) return &f;
    for (const char* alias : f.aliases) {
      if (alias && EqualsIgnoreCase(name, alias)) return &f;
    }
  }
  return nullptr;
}

std::string NormalizeEnumValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : TrimAscii(value)) {
    if (c == '\'' || c == '\xe2') continue;  // "Can't" (also the start of a typographic apostrophe)
    if (c == '\x80' || c == '\x99') continue;
    if (c == ' ' || c == '-') c = '_';
    out.push_back(AsciiLower(c));
  }
  return out;
}

const std::vector<std::string>& EnumValues(FieldId field) {
  static const std::vector<std::string> kStages = {"new", "one_time", "repeat", "loyal", "advocate", "at_risk",
                                                   "lapsed"};
  static const std::vector<std::string> kRfm = {"champions",     "loyal_customers", "potential_loyalist",
                                                "new_customers", "promising",       "need_attention",
                                                "about_to_sleep", "at_risk",        "cant_lose_them",
                                                "hibernating",   "lost"};
  static const std::vector<std::string> kSubscription = {"subscribed", "not_subscribed", "unknown"};
  static const std::vector<std::string> kNone;
  switch (field) {
    case FieldId::kStage: return kStages;
    case FieldId::kRfmSegment: return kRfm;
    case FieldId::kEmailSubscriptionStatus: return kSubscription;
    default: return kNone;
  }
}

const std::vector<FunctionInfo>& SegmentFunctions() {
  using A = ArgType;
  using F = FunctionId;
  static const std::vector<FunctionInfo> kFunctions = {
      {F::kBought, "bought", 1, 2, {A::kText, A::kDate}, "bought(\"SKU or title words\" [, since])",
       "Ordered a product whose SKU equals the text, or whose title contains every word of it; with a second "
       "argument, only orders on or after that day count",
       "bought(\"MUG-01\") OR bought(\"blue mug\", -90d)"},
      {F::kBoughtIn, "bought_in", 1, 2, {A::kText, A::kDate}, "bought_in(\"category\" [, since])",
       "Ordered a product whose category (product type) equals the text or has it as one `>` level",
       "bought_in(\"Dog Food\")"},
      {F::kOrderedSince, "ordered_since", 1, 1, {A::kDate, A::kDate}, "ordered_since(date)",
       "Has a valid order on or after the day", "orders >= 2 BUT NOT ordered_since(2025-03-01)"},
      {F::kOrderedBetween, "ordered_between", 2, 2, {A::kDate, A::kDate}, "ordered_between(from, to)",
       "Has a valid order between the two days, both included", "ordered_between(2024-11-25, 2024-12-02)"},
      {F::kReviewed, "reviewed", 0, 1, {A::kNumber, A::kDate}, "reviewed([min_rating])",
       "Wrote a review (with at least this rating)", "reviewed(4)"},
      {F::kComplained, "complained", 0, 1, {A::kDate, A::kDate}, "complained([since])",
       "Opened a support ticket, wrote a review of 2 stars or less, or answered NPS 6 or less (on or after "
       "`since` when given)",
       "orders >= 3 AND complained(-30d)"},
      {F::kInSegment, "in_segment", 1, 1, {A::kText, A::kDate}, "in_segment(\"saved segment\")",
       "Member of a saved segment (a segment that refers back to itself is an error)", "in_segment(\"VIP\")"},
  };
  return kFunctions;
}

const FunctionInfo* FindSegmentFunction(std::string_view name) {
  for (const FunctionInfo& f : SegmentFunctions()) {
    if (EqualsIgnoreCase(name, f.name)) return &f;
  }
  return nullptr;
}

const char* CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kContains: return "CONTAINS";
    case CompareOp::kNotContains: return "NOT CONTAINS";
    case CompareOp::kIn: return "IN";
    case CompareOp::kNotIn: return "NOT IN";
    case CompareOp::kBetween: return "BETWEEN";
  }
  return "?";
}

static std::string LiteralText(const Literal& v) {
  switch (v.kind) {
    case Literal::kNumber: {
      // At most 15 significant digits (DBL_DIG) and never an exponent, which the lexer does not read, so the
      // canonical text parses back to itself. The lexer bounds numbers below 1e15; below 1e-4 %g would switch
      // to an exponent, so those print as plain decimals (19 places keep at most 15 significant digits).
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", v.number);
      if (std::strchr(buf, 'e') != nullptr) {
        std::snprintf(buf, sizeof buf, "%.19f", v.number);
        size_t len = std::strlen(buf);
        while (len > 0 && buf[len - 1] == '0') buf[--len] = '\0';
        if (len > 0 && buf[len - 1] == '.') buf[--len] = '\0';
        if (std::strcmp(buf, "-0") == 0) return "0";
      }
      return buf;
    }
    case Literal::kString: {
      std::string out = "\"";
      for (char c : v.text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "\"";
    }
    case Literal::kDate: return FormatDay(v.day);
    case Literal::kRelative: return (v.amount >= 0 ? "+" : "") + std::to_string(v.amount) + v.unit;
    case Literal::kToday: return "today";
    case Literal::kBool: return v.number != 0 ? "true" : "false";
  }
  return "?";
}

// A chain `a OR b OR c` parses left-deep, ((a OR b) OR c); it prints flat inside one pair of parentheses, so
// the canonical text nests no deeper than the rule as written (the parser limits nesting). AND and BUT NOT share
// a precedence level and associate left, so one chain holds both.
static std::string ChainText(const Node& node) {
  std::vector<const Node*> links;  // the chain's nodes, outermost first
  const Node* first = &node;
  while (first->kind == node.kind) {
    links.push_back(first);
    first = first->left.get();
  }
  std::string out = "(" + CanonicalText(*first);
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    const Node& link = **it;
    if (link.kind == Node::kOr) {
      out += " OR " + CanonicalText(*link.right);
    } else if (link.but_not && link.right && link.right->kind == Node::kNot) {
      out += " BUT NOT " + CanonicalText(*link.right->left);
    } else {
      out += " AND " + CanonicalText(*link.right);
    }
  }
  return out + ")";
}

std::string CanonicalText(const Node& node) {
  switch (node.kind) {
    case Node::kAnd:
    case Node::kOr: return ChainText(node);
    case Node::kNot: return "(NOT " + CanonicalText(*node.left) + ")";
    case Node::kCall: {
      std::string out = std::string(node.function->name) + "(";
      for (size_t i = 0; i < node.values.size(); ++i) out += (i ? ", " : "") + LiteralText(node.values[i]);
      return out + ")";
    }
    case Node::kCompare: {
      std::string out = std::string(node.field->name) + " " + CompareOpText(node.op) + " ";
      if (node.op == CompareOp::kIn || node.op == CompareOp::kNotIn) {
        out += "(";
        for (size_t i = 0; i < node.values.size(); ++i) out += (i ? ", " : "") + LiteralText(node.values[i]);
        return out + ")";
      }
      if (node.op == CompareOp::kBetween) return out + LiteralText(node.values[0]) + " AND " + LiteralText(node.values[1]);
      return out + LiteralText(node.values[0]);
    }
  }
  return "?";
}

std::string RuleError::Render(std::string_view rule) const {
  // The line holding the offset, and the column in characters (UTF-8 continuation bytes do not count).
  const size_t at = std::min<size_t>(offset, rule.size());
  size_t line_start = rule.rfind('\n', at == 0 ? 0 : at - 1);
  line_start = (line_start == std::string_view::npos || at == 0) ? 0 : line_start + 1;
  if (at > 0 && rule[at - 1] == '\n') line_start = at;
  size_t line_end = rule.find('\n', at);
  if (line_end == std::string_view::npos) line_end = rule.size();
  int line_no = 1;
  for (size_t i = 0; i < line_start; ++i) line_no += rule[i] == '\n';
  auto chars = [&](size_t from, size_t to) {
    size_t n = 0;
    for (size_t i = from; i < to && i < rule.size(); ++i) n += (static_cast<unsigned char>(rule[i]) & 0xC0) != 0x80;
    return n;
  };
  const size_t col = chars(line_start, at);
  size_t width = chars(at, std::min<size_t>(at + length, line_end));
  if (width == 0) width = 1;
  std::string out = std::to_string(line_no) + ":" + std::to_string(col + 1) + ": " + message + "\n  ";
  for (size_t i = line_start; i < line_end; ++i) out.push_back(rule[i] == '\t' ? ' ' : rule[i]);
  out += "\n  " + std::string(col, ' ') + std::string(width, '^');
  return out;
}

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const bool same = AsciiLower(a[i - 1]) == AsciiLower(b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && AsciiLower(a[i - 1]) == AsciiLower(b[j - 2]) &&
          AsciiLower(a[i - 2]) == AsciiLower(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  const int limit = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  int best = limit + 1;
  std::string best_name;
  for (const std::string& c : candidates) {
    const int d = EditDistance(word, c);
    if (d < best) {  // first of equals wins: candidates are in documentation order
      best = d;
      best_name = c;
    }
  }
  return best_name;
}

}  // namespace rapport
