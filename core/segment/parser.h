// Parses a segment rule (grammar and precedence in core/segment/ast.h) into a typed syntax tree: field names
// are resolved, operators checked against the field's type, literals checked and converted (money to major
// units as written, enum values normalised), so evaluation cannot meet a type error. Relative dates stay
// relative: they are resolved against the analysis date when the rule is evaluated.
//
// Errors say where: a byte offset and length into the rule, a message, and a suggestion from edit distance
// ("unknown field `oders`; did you mean `orders`?"); RuleError::Render draws the rule with a caret.
#pragma once

#include <string_view>

#include "core/segment/ast.h"

namespace rapport {

// Rules longer than this, nested deeper than kMaxRuleDepth or with more conditions than kMaxRuleConditions
// are refused (with a position), which bounds the recursion of every pass over the tree.
constexpr size_t kMaxRuleBytes = 64 * 1024;
constexpr int kMaxRuleDepth = 64;
constexpr size_t kMaxRuleConditions = 1000;

// Returns true and fills *rule, or false and fills *error.
bool ParseRule(std::string_view text, Rule* rule, RuleError* error);

}  // namespace rapport
