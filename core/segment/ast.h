// The segment rule language: fields, functions and the syntax tree the parser builds (docs/segments.md is
// the merchant's reference; keep the two in step).
//
//   rule      := or_expr
//   or_expr   := and_expr ( OR and_expr )*
//   and_expr  := not_expr ( ( AND | BUT NOT ) not_expr )*          A BUT NOT B  ==  A AND NOT B
//   not_expr  := NOT not_expr | primary
//   primary   := "(" or_expr ")" | call | comparison
//   call      := function "(" [ literal ( "," literal )* ] ")"
//   comparison:= field op literal | field [NOT] IN "(" literal ("," literal)* ")"
//              | field [NOT] CONTAINS literal | field BETWEEN literal AND literal
//   op        := = | != | <> | < | <= | > | >=
//   literal   := number | "text" | 'text' | 2025-03-01 | -90d | +2w | -12m | -1y | today | true | false
//
// Precedence, tightest first: NOT, then AND / BUT NOT (same level, left to right), then OR. Keywords and field
// names are case-insensitive. A comparison on a value a customer does not have (no orders, no reviews, ...)
// is false, so its NOT is true.
//
// Every node keeps the byte span of the text it came from, so an error can point at it (STYLE §5).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rapport {

// A byte range of the rule text.
struct SourceSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
};

// What a field holds, which decides the operators and literals it accepts.
enum class FieldType : uint8_t {
  kCount,   // whole number (orders, tickets)
  kMoney,   // amount in the analysis currency, written in major units (100 or 99.50); stored as cents
  kNumber,  // decimal (p_alive, avg_rating)
  kDate,    // a day: 2025-03-01, "2025-03-01", -90d, today
  kEnum,    // one of a closed set of names (stage, rfm_segment, email_subscription_status)
  kText,    // free text compared case-insensitively (email, country, names)
  kTags,    // a list of tags: CONTAINS, NOT CONTAINS, IN
  kBool,    // true / false
};

enum class FieldId : uint8_t {
  kOrders, kNetSpend, kAov, kFirstOrderDate, kLastOrderDate, kDaysSinceLastOrder, kDaysSinceFirstOrder,
  kRfmR, kRfmF, kRfmM, kRfmFm, kRfmSegment, kStage, kPAlive, kPredictedClv, kNextOrderDate,
  kCountry, kTags, kAcceptsMarketing, kEmailSubscriptionStatus, kMinRating, kAvgRating, kReviews, kNps,
  kTickets, kEmail, kEmailDomain, kFirstName, kLastName,
  kFieldCount,
};
constexpr size_t kFieldCount = static_cast<size_t>(FieldId::kFieldCount);

struct FieldInfo {
  FieldId id;
  const char* name;        // canonical name
  const char* aliases[3];  // other accepted names (Shopify's where the concept exists); nullptr-terminated
  FieldType type;
  const char* doc;         // one line for docs/segments.md and the dashboard's help
  const char* example;     // a rule using it
};

// Every field, in documentation order.
const std::vector<FieldInfo>& SegmentFields();
// By canonical name or alias, case-insensitively; nullptr when unknown.
const FieldInfo* FindSegmentField(std::string_view name);
// The closed set of values of an enum field (lower-case, as matched); empty for other fields.
const std::vector<std::string>& EnumValues(FieldId field);
// How enum values are matched: lower-case, apostrophes dropped, spaces and hyphens as `_`
// ("Can't Lose Them" -> "cant_lose_them", "one-time" -> "one_time").
std::string NormalizeEnumValue(std::string_view value);

enum class FunctionId : uint8_t {
  kBought, kBoughtIn, kOrderedSince, kOrderedBetween, kReviewed, kComplained, kInSegment,
};

enum class ArgType : uint8_t { kText, kDate, kNumber };

struct FunctionInfo {
  FunctionId id;
  const char* name;
  uint8_t min_args, max_args;
  ArgType args[2];
  const char* signature;  // "bought(\"SKU or title words\" [, since])"
  const char* doc;
  const char* example;
};

const std::vector<FunctionInfo>& SegmentFunctions();
const FunctionInfo* FindSegmentFunction(std::string_view name);

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kContains, kNotContains, kIn, kNotIn, kBetween };
const char* CompareOpText(CompareOp op);

struct Literal {
  enum Kind : uint8_t { kNumber, kString, kDate, kRelative, kToday, kBool };
  Kind kind = kNumber;
  double number = 0;     // kNumber; kBool (1/0)
  std::string text;      // kString
  int32_t day = 0;       // kDate
  int32_t amount = 0;    // kRelative: signed count of `unit`s from as_of
  char unit = 'd';       // kRelative: d, w, m, y
  SourceSpan span;
};

struct Node {
  enum Kind : uint8_t { kAnd, kOr, kNot, kCompare, kCall };
  Kind kind = kCompare;
  SourceSpan span;
  bool but_not = false;            // kAnd written as `A BUT NOT B` (right is the NOT node)
  std::unique_ptr<Node> left, right;  // kAnd/kOr: both; kNot: left
  const FieldInfo* field = nullptr;   // kCompare
  CompareOp op = CompareOp::kEq;      // kCompare
  const FunctionInfo* function = nullptr;  // kCall
  std::vector<Literal> values;        // kCompare: 1 (2 for BETWEEN, n for IN); kCall: the arguments
};

struct Rule {
  std::string text;
  std::unique_ptr<Node> root;
};

// The rule in canonical, fully parenthesised form: `((orders >= 2) AND (NOT bought("X")))`. Tests use it to
// check precedence; the dashboard shows it as "read as".
std::string CanonicalText(const Node& node);

// A rule error: where (byte offset and length in the rule) and what, with a suggestion when there is one.
struct RuleError {
  uint32_t offset = 0;
  uint32_t length = 0;
  std::string message;  // "unknown field `oders`; did you mean `orders`?"
  // "1:3: unknown field ...\n  oders > 2\n  ^^^^^" (the rule's line, a caret under the span).
  std::string Render(std::string_view rule) const;
};

// Optimal-string-alignment edit distance, case-insensitive (for "did you mean").
int EditDistance(std::string_view a, std::string_view b);
// The closest candidate within a distance that scales with the word (1 for short words, up to 3); "" if none.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rapport
