#include "core/segment/parser.h"

#include <vector>

#include "core/segment/lexer.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {
namespace {

bool IsKeyword(const Token& t, const char* word) { return t.kind == TokenKind::kIdent && EqualsIgnoreCase(t.text, word); }

bool IsReserved(std::string_view w) {
  for (const char* k : {"and", "or", "not", "but", "in", "contains", "between", "true", "false", "today"}) {
    if (EqualsIgnoreCase(w, k)) return true;
  }
  return false;
}

std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd: return "the end of the rule";
    case TokenKind::kString: return "text " + std::string(t.text);
    default: return "`" + std::string(t.text) + "`";
  }
}

std::vector<std::string> FieldNames() {
  std::vector<std::string> names;
  for (const FieldInfo& f : SegmentFields()) {
    names.push_back(f.name);
    for (const char* a : f.aliases) {
      if (a) names.push_back(a);
    }
  }
  return names;
}

std::vector<std::string> FunctionNames() {
  std::vector<std::string> names;
  for (const FunctionInfo& f : SegmentFunctions()) names.push_back(f.name);
  return names;
}

SourceSpan Join(SourceSpan a, SourceSpan b) {
  const uint32_t end = std::max(a.offset + a.length, b.offset + b.length);
  const uint32_t start = std::min(a.offset, b.offset);
  return SourceSpan{start, end - start};
}

class Parser {
 public:
  Parser(std::string_view text, RuleError* error) : text_(text), error_(error) {}

  bool Run(Rule* rule) {
    if (text_.size() > kMaxRuleBytes) {
      return Fail(SourceSpan{static_cast<uint32_t>(kMaxRuleBytes), 0},
                  "rule too long (" + std::to_string(text_.size()) + " bytes; at most " +
                      std::to_string(kMaxRuleBytes) + ")");
    }
    Lexer lexer(text_);
    for (;;) {
      tokens_.push_back(lexer.Next());
      const Token& t = tokens_.back();
      if (t.kind == TokenKind::kError) return Fail(t.span, t.value);
      if (t.kind == TokenKind::kEnd) break;
    }
    if (tokens_.size() == 1) {
      return Fail(SourceSpan{0, 0}, "empty rule; try a condition such as `orders >= 2`");
    }
    auto root = ParseOr(0);
    if (!root) return false;
    if (Peek().kind != TokenKind::kEnd) return FailAfterExpression();
    rule->text = std::string(text_);
    rule->root = std::move(root);
    return true;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    const size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }

  bool Fail(SourceSpan span, std::string message) {
    if (!failed_) {
      failed_ = true;
      error_->offset = span.offset;
      error_->length = span.length;
      error_->message = std::move(message);
    }
    return false;
  }
  std::unique_ptr<Node> FailNode(SourceSpan span, std::string message) {
    Fail(span, std::move(message));
    return nullptr;
  }

  // Something follows a complete condition that cannot: a missing AND/OR, a typo in one, or a stray `)`.
  bool FailAfterExpression() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kRParen) return Fail(t.span, "unexpected `)`: there is no `(` for it to close");
    std::string message = "expected AND, OR, BUT NOT or the end of the rule, found " + Describe(t);
    if (t.kind == TokenKind::kIdent) {
      const std::string k = ClosestMatch(t.text, {"AND", "OR", "BUT"});
      if (!k.empty()) {
        message += "; did you mean `" + k + "`?";
      } else {
        message += "; join conditions with AND or OR";
      }
    }
    return Fail(t.span, message);
  }

  std::unique_ptr<Node> ParseOr(int depth) {
    auto left = ParseAnd(depth);
    if (!left) return nullptr;
    while (IsKeyword(Peek(), "or")) {
      Take();
      auto right = ParseAnd(depth);
      if (!right) return nullptr;
      auto node = std::make_unique<Node>();
      node->kind = Node::kOr;
      node->span = Join(left->span, right->span);
      node->left = std::move(left);
      node->right = std::move(right);
      left = std::move(node);
    }
    return left;
  }

  std::unique_ptr<Node> ParseAnd(int depth) {
    auto left = ParseNot(depth);
    if (!left) return nullptr;
    for (;;) {
      bool but_not = false;
      if (IsKeyword(Peek(), "and")) {
        Take();
      } else if (IsKeyword(Peek(), "but")) {
        const Token& but = Take();
        if (!IsKeyword(Peek(), "not")) {
          return FailNode(Join(but.span, Peek().span), "BUT must be followed by NOT: write `A BUT NOT B` (= A AND NOT B)");
        }
        const Token& not_token = Take();
        auto negated = ParseNot(depth);
        if (!negated) return nullptr;
        auto not_node = std::make_unique<Node>();
        not_node->kind = Node::kNot;
        not_node->span = Join(not_token.span, negated->span);
        not_node->left = std::move(negated);
        auto node = std::make_unique<Node>();
        node->kind = Node::kAnd;
        node->but_not = true;
        node->span = Join(left->span, not_node->span);
        node->left = std::move(left);
        node->right = std::move(not_node);
        left = std::move(node);
        continue;
      } else {
        return left;
      }
      auto right = ParseNot(depth);
      if (!right) return nullptr;
      auto node = std::make_unique<Node>();
      node->kind = Node::kAnd;
      node->but_not = but_not;
      node->span = Join(left->span, right->span);
      node->left = std::move(left);
      node->right = std::move(right);
      left = std::move(node);
    }
  }

  std::unique_ptr<Node> ParseNot(int depth) {
    if (depth > kMaxRuleDepth) {
      return FailNode(Peek().span, "rule nested too deeply (more than " + std::to_string(kMaxRuleDepth) + " levels)");
    }
    if (IsKeyword(Peek(), "not")) {
      const Token& not_token = Take();
      auto operand = ParseNot(depth + 1);
      if (!operand) return nullptr;
      auto node = std::make_unique<Node>();
      node->kind = Node::kNot;
      node->span = Join(not_token.span, operand->span);
      node->left = std::move(operand);
      return node;
    }
    return ParsePrimary(depth);
  }

  std::unique_ptr<Node> ParsePrimary(int depth) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) {
      const Token& open = Take();
      if (Peek().kind == TokenKind::kRParen) return FailNode(Join(open.span, Peek().span), "empty parentheses: put a condition inside");
      auto inner = ParseOr(depth + 1);
      if (!inner) return nullptr;
      if (Peek().kind != TokenKind::kRParen) {
        if (Peek().kind == TokenKind::kEnd) {
          return FailNode(open.span, "this `(` is never closed: add `)`");
        }
        FailAfterExpression();
        return nullptr;
      }
      const Token& close = Take();
      inner->span = Join(open.span, close.span);
      return inner;
    }
    if (t.kind == TokenKind::kEnd) {
      return FailNode(t.span, "the rule ends where a condition was expected, such as `orders >= 2`");
    }
    if (t.kind == TokenKind::kIdent) {
      if (++conditions_ > kMaxRuleConditions) {
        return FailNode(t.span, "too many conditions (at most " + std::to_string(kMaxRuleConditions) + ")");
      }
      if (IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "but")) {
        return FailNode(t.span, "expected a condition before " + ToUpperWord(t.text));
      }
      if (IsReserved(t.text)) return FailNode(t.span, "expected a field or function, found the keyword `" + std::string(t.text) + "`");
      if (Peek(1).kind == TokenKind::kLParen) return ParseCall();
      return ParseComparison();
    }
    if (t.kind == TokenKind::kRParen) return FailNode(t.span, "unexpected `)`: a condition was expected");
    return FailNode(t.span, "expected a field (such as `orders`) or a function (such as `bought(\"SKU\")`), found " + Describe(t));
  }

  static std::string ToUpperWord(std::string_view w) {
    std::string out(w);
    for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return out;
  }

  std::unique_ptr<Node> ParseCall() {
    const Token& name = Take();
    const FunctionInfo* fn = FindSegmentFunction(name.text);
    if (!fn) {
      std::string message = "unknown function `" + std::string(name.text) + "`";
      if (FindSegmentField(name.text)) {
        message = "`" + std::string(name.text) + "` is a field, not a function; compare it, e.g. `" +
                  FindSegmentField(name.text)->example + "`";
      } else {
        const std::string s = ClosestMatch(name.text, FunctionNames());
        if (!s.empty()) message += "; did you mean `" + s + "`?";
        else message += " (functions: bought, bought_in, ordered_since, ordered_between, reviewed, complained, in_segment)";
      }
      return FailNode(name.span, message);
    }
    const Token& open = Take();
    auto node = std::make_unique<Node>();
    node->kind = Node::kCall;
    node->function = fn;
    if (Peek().kind != TokenKind::kRParen) {
      for (;;) {
        if (node->values.size() >= fn->max_args) {
          return FailNode(Peek().span, std::string("too many arguments: ") + fn->signature);
        }
        Literal value;
        if (!ParseLiteral(&value)) return nullptr;
        if (!CheckArgument(*fn, node->values.size(), &value)) return nullptr;
        node->values.push_back(std::move(value));
        if (Peek().kind == TokenKind::kComma) {
          Take();
          continue;
        }
        if (Peek().kind == TokenKind::kRParen) break;
        if (Peek().kind == TokenKind::kEnd) return FailNode(open.span, "this `(` is never closed: add `)`");
        return FailNode(Peek().span, "expected `,` or `)` in " + std::string(fn->name) + "(...), found " + Describe(Peek()));
      }
    }
    const Token& close = Take();
    if (node->values.size() < fn->min_args) {
      return FailNode(Join(name.span, close.span), std::string("missing argument: ") + fn->signature);
    }
    node->span = Join(name.span, close.span);
    return node;
  }

  bool CheckArgument(const FunctionInfo& fn, size_t index, Literal* value) {
    const ArgType type = fn.args[index];
    const std::string where = std::string(fn.name) + ": argument " + std::to_string(index + 1) + " ";
    switch (type) {
      case ArgType::kText:
        if (value->kind != Literal::kString) return Fail(value->span, where + "must be quoted text, e.g. " + fn.example);
        if (TrimAscii(value->text).empty()) return Fail(value->span, where + "is empty");
        return true;
      case ArgType::kNumber:
        if (value->kind != Literal::kNumber) return Fail(value->span, where + "must be a number, e.g. " + fn.example);
        if (fn.id == FunctionId::kReviewed && (value->number < 1 || value->number > 5)) {
          return Fail(value->span, where + "is a rating from 1 to 5");
        }
        return true;
      case ArgType::kDate: return ToDate(value, where + "must be a date like 2025-03-01 or -90d");
    }
    return true;
  }

  // Accepts dates in any written form; converts quoted "2025-03-01" to a date literal.
  bool ToDate(Literal* value, const std::string& message) {
    if (value->kind == Literal::kDate || value->kind == Literal::kRelative || value->kind == Literal::kToday) return true;
    if (value->kind == Literal::kString) {
      const int32_t day = ParseIsoDay(TrimAscii(value->text));
      if (day != kNoDay) {
        value->kind = Literal::kDate;
        value->day = day;
        return true;
      }
      return Fail(value->span, "`" + value->text + "` is not a date; write YYYY-MM-DD (2025-03-01) or a relative date (-90d)");
    }
    return Fail(value->span, message);
  }

  bool ParseLiteral(Literal* out) {
    const Token& t = Peek();
    out->span = t.span;
    switch (t.kind) {
      case TokenKind::kNumber: out->kind = Literal::kNumber; out->number = t.number; break;
      case TokenKind::kString: out->kind = Literal::kString; out->text = t.value; break;
      case TokenKind::kDate: out->kind = Literal::kDate; out->day = t.day; break;
      case TokenKind::kRelative:
        out->kind = Literal::kRelative;
        out->amount = static_cast<int32_t>(t.number);
        out->unit = t.unit;
        break;
      case TokenKind::kIdent:
        if (IsKeyword(t, "true") || IsKeyword(t, "false")) {
          out->kind = Literal::kBool;
          out->number = IsKeyword(t, "true") ? 1 : 0;
          break;
        }
        if (IsKeyword(t, "today")) {
          out->kind = Literal::kToday;
          break;
        }
        return Fail(t.span, "expected a value, found `" + std::string(t.text) + "`; quote text: \"" + std::string(t.text) + "\"");
      default:
        return Fail(t.span, "expected a value (a number, \"text\", a date like 2025-03-01 or -90d), found " + Describe(t));
    }
    Take();
    return true;
  }

  std::unique_ptr<Node> ParseComparison() {
    const Token& name = Take();
    const FieldInfo* field = FindSegmentField(name.text);
    if (!field) {
      std::string message = "unknown field `" + std::string(name.text) + "`";
      if (FindSegmentFunction(name.text)) {
        message = "`" + std::string(name.text) + "` is a function: write " + FindSegmentFunction(name.text)->signature;
      } else {
        std::string s = ClosestMatch(name.text, FieldNames());
        if (s.empty()) s = ClosestMatch(name.text, FunctionNames());
        if (!s.empty()) {
          message += "; did you mean `" + s + "`?";
        } else {
          message += " (see docs/segments.md for the fields)";
        }
      }
      return FailNode(name.span, message);
    }
    auto node = std::make_unique<Node>();
    node->kind = Node::kCompare;
    node->field = field;
    const Token& op_token = Peek();
    SourceSpan op_span = op_token.span;
    if (op_token.kind == TokenKind::kOp) {
      node->op = op_token.op;
      Take();
    } else if (IsKeyword(op_token, "in")) {
      node->op = CompareOp::kIn;
      Take();
    } else if (IsKeyword(op_token, "contains")) {
      node->op = CompareOp::kContains;
      Take();
    } else if (IsKeyword(op_token, "between")) {
      node->op = CompareOp::kBetween;
      Take();
    } else if (IsKeyword(op_token, "not") && (IsKeyword(Peek(1), "in") || IsKeyword(Peek(1), "contains"))) {
      Take();
      const Token& second = Take();
      node->op = IsKeyword(second, "in") ? CompareOp::kNotIn : CompareOp::kNotContains;
      op_span = Join(op_span, second.span);
    } else {
      return FailNode(op_token.span,
                      "expected an operator after `" + std::string(name.text) + "` (" + OperatorsFor(field->type) +
                          "), found " + Describe(op_token));
    }
    if (!OperatorAllowed(field->type, node->op)) {
      std::string message = std::string("`") + CompareOpText(node->op) + "` does not apply to " + field->name +
                            " (" + TypeName(field->type) + "); use " + OperatorsFor(field->type);
      return FailNode(op_span, message);
    }
    SourceSpan end_span = op_span;
    if (node->op == CompareOp::kIn || node->op == CompareOp::kNotIn) {
      if (Peek().kind != TokenKind::kLParen) {
        return FailNode(Peek().span, "expected `(` after IN: write " + std::string(field->name) + " IN (\"a\", \"b\")");
      }
      const Token& open = Take();
      for (;;) {
        Literal value;
        if (!ParseLiteral(&value)) return nullptr;
        if (!CheckValue(*field, &value)) return nullptr;
        node->values.push_back(std::move(value));
        if (Peek().kind == TokenKind::kComma) {
          Take();
          continue;
        }
        if (Peek().kind == TokenKind::kRParen) break;
        if (Peek().kind == TokenKind::kEnd) return FailNode(open.span, "this `(` is never closed: add `)`");
        return FailNode(Peek().span, "expected `,` or `)` in the IN list, found " + Describe(Peek()));
      }
      end_span = Take().span;
    } else if (node->op == CompareOp::kBetween) {
      Literal low, high;
      if (!ParseLiteral(&low) || !CheckValue(*field, &low)) return nullptr;
      if (!IsKeyword(Peek(), "and")) {
        return FailNode(Peek().span, "expected AND in `" + std::string(field->name) + " BETWEEN low AND high`, found " + Describe(Peek()));
      }
      Take();
      if (!ParseLiteral(&high) || !CheckValue(*field, &high)) return nullptr;
      end_span = high.span;
      node->values.push_back(std::move(low));
      node->values.push_back(std::move(high));
    } else {
      Literal value;
      if (Peek().kind == TokenKind::kEnd) {
        return FailNode(Peek().span,
                        "expected a value after `" + std::string(op_token.text) + "`, e.g. `" + field->example + "`");
      }
      if (!ParseLiteral(&value) || !CheckValue(*field, &value)) return nullptr;
      end_span = value.span;
      node->values.push_back(std::move(value));
    }
    node->span = Join(name.span, end_span);
    return node;
  }

  static const char* TypeName(FieldType type) {
    switch (type) {
      case FieldType::kCount: return "a whole number";
      case FieldType::kMoney: return "an amount";
      case FieldType::kNumber: return "a number";
      case FieldType::kDate: return "a date";
      case FieldType::kEnum: return "a name from a fixed list";
      case FieldType::kText: return "text";
      case FieldType::kTags: return "a list of tags";
      case FieldType::kBool: return "true or false";
    }
    return "?";
  }

  static bool OperatorAllowed(FieldType type, CompareOp op) {
    switch (type) {
      case FieldType::kCount:
      case FieldType::kMoney:
      case FieldType::kNumber:
        return op != CompareOp::kContains && op != CompareOp::kNotContains;
      case FieldType::kDate:
        return op != CompareOp::kContains && op != CompareOp::kNotContains && op != CompareOp::kIn && op != CompareOp::kNotIn;
      case FieldType::kEnum:
        return op == CompareOp::kEq || op == CompareOp::kNe || op == CompareOp::kIn || op == CompareOp::kNotIn;
      case FieldType::kText:
        return op == CompareOp::kEq || op == CompareOp::kNe || op == CompareOp::kIn || op == CompareOp::kNotIn ||
               op == CompareOp::kContains || op == CompareOp::kNotContains;
      case FieldType::kTags:
        return op == CompareOp::kContains || op == CompareOp::kNotContains || op == CompareOp::kIn || op == CompareOp::kNotIn;
      case FieldType::kBool: return op == CompareOp::kEq || op == CompareOp::kNe;
    }
    return false;
  }

  static std::string OperatorsFor(FieldType type) {
    switch (type) {
      case FieldType::kCount:
      case FieldType::kMoney:
      case FieldType::kNumber: return "=, !=, <, <=, >, >=, IN (...), BETWEEN a AND b";
      case FieldType::kDate: return "=, !=, <, <=, >, >=, BETWEEN a AND b";
      case FieldType::kEnum: return "=, !=, IN (...)";
      case FieldType::kText: return "=, !=, IN (...), CONTAINS";
      case FieldType::kTags: return "CONTAINS \"tag\", NOT CONTAINS, IN (...)";
      case FieldType::kBool: return "= true, = false";
    }
    return "";
  }

  bool CheckValue(const FieldInfo& field, Literal* value) {
    const std::string name = field.name;
    switch (field.type) {
      case FieldType::kCount:
      case FieldType::kMoney:
      case FieldType::kNumber:
        if (value->kind == Literal::kString) {
          double d = 0;
          if (ParseDouble(TrimAscii(value->text), &d)) {  // "100" reads as 100
            value->kind = Literal::kNumber;
            value->number = d;
            return true;
          }
        }
        if (value->kind != Literal::kNumber) {
          return Fail(value->span, name + " is " + TypeName(field.type) + "; expected a number, e.g. `" + field.example + "`");
        }
        return true;
      case FieldType::kDate:
        if (value->kind == Literal::kNumber) {
          return Fail(value->span, name + " is a date; write 2025-03-01 or a relative date such as -90d (for a count "
                                           "of days use days_since_last_order)");
        }
        return ToDate(value, name + " is a date; write 2025-03-01 or -90d");
      case FieldType::kEnum: {
        if (value->kind != Literal::kString) {
          return Fail(value->span, name + " takes a quoted name, e.g. `" + field.example + "`");
        }
        const std::string normal = NormalizeEnumValue(value->text);
        const auto& allowed = EnumValues(field.id);
        for (const std::string& a : allowed) {
          if (a == normal) {
            value->text = normal;
            return true;
          }
        }
        std::string message = "unknown " + name + " `" + value->text + "`";
        const std::string s = ClosestMatch(normal, allowed);
        if (!s.empty()) {
          message += "; did you mean \"" + s + "\"?";
        } else {
          message += " (one of:";
          for (const std::string& a : allowed) message += " " + a;
          message += ")";
        }
        return Fail(value->span, message);
      }
      case FieldType::kText:
      case FieldType::kTags:
        if (value->kind == Literal::kNumber) {  // a zip or a numeric tag: take the text as written
          value->kind = Literal::kString;
          value->text = std::string(text_.substr(value->span.offset, value->span.length));
          return true;
        }
        if (value->kind != Literal::kString) {
          return Fail(value->span, name + " takes quoted text, e.g. `" + field.example + "`");
        }
        return true;
      case FieldType::kBool:
        if (value->kind == Literal::kNumber && (value->number == 0 || value->number == 1)) {
          value->kind = Literal::kBool;
          return true;
        }
        if (value->kind == Literal::kString) {
          const std::string v = NormalizeEnumValue(value->text);
          if (v == "true" || v == "yes") {
            value->kind = Literal::kBool;
            value->number = 1;
            return true;
          }
          if (v == "false" || v == "no") {
            value->kind = Literal::kBool;
            value->number = 0;
            return true;
          }
        }
        if (value->kind != Literal::kBool) return Fail(value->span, name + " is true or false, e.g. `" + field.example + "`");
        return true;
    }
    return true;
  }

  std::string_view text_;
  RuleError* error_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool failed_ = false;
  size_t conditions_ = 0;
};

}  // namespace

bool ParseRule(std::string_view text, Rule* rule, RuleError* error) {
  Parser parser(text, error);
  return parser.Run(rule);
}

}  // namespace rapport
