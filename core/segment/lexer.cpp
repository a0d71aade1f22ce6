#include "core/segment/lexer.h"

#include <cmath>

#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {

static bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

Token Lexer::Make(TokenKind kind, size_t start) {
  Token t;
  t.kind = kind;
  t.span = SourceSpan{static_cast<uint32_t>(start), static_cast<uint32_t>(pos_ - start)};
  t.text = rule_.substr(start, pos_ - start);
  return t;
}

Token Lexer::Next() {
  const size_t n = rule_.size();
  while (pos_ < n && (rule_[pos_] == ' ' || rule_[pos_] == '\t' || rule_[pos_] == '\n' || rule_[pos_] == '\r')) ++pos_;
  const size_t start = pos_;
  if (pos_ >= n) return Make(TokenKind::kEnd, start);
  const char c = rule_[pos_];

  if (IsIdentStart(c)) {
    while (pos_ < n && IsIdentChar(rule_[pos_])) ++pos_;
    return Make(TokenKind::kIdent, start);
  }
  if (c == '"' || c == '\'') {
    std::string value;
    ++pos_;
    while (pos_ < n && rule_[pos_] != c) {
      if (rule_[pos_] == '\\' && pos_ + 1 < n) ++pos_;
      value.push_back(rule_[pos_++]);
    }
    if (pos_ >= n) {
      Token t = Make(TokenKind::kError, start);
      t.value = std::string("unterminated text: add the closing ") + c;
      return t;
    }
    ++pos_;
    Token t = Make(TokenKind::kString, start);
    t.value = std::move(value);
    return t;
  }
  if (IsDigit(c) || ((c == '-' || c == '+' || c == '.') && pos_ + 1 < n && (IsDigit(rule_[pos_ + 1]) || rule_[pos_ + 1] == '.'))) {
    // A date (2025-03-01), a relative date (-90d), or a number.
    if (IsDigit(c) && pos_ + 10 <= n && IsDigit(rule_[pos_ + 1]) && IsDigit(rule_[pos_ + 2]) &&
        IsDigit(rule_[pos_ + 3]) && rule_[pos_ + 4] == '-') {
      size_t p = pos_ + 5;
      while (p < n && (IsDigit(rule_[p]) || rule_[p] == '-')) ++p;
      const std::string_view text = rule_.substr(pos_, p - pos_);
      pos_ = p;
      const int32_t day = ParseIsoDay(text);
      if (day == kNoDay) {
        Token t = Make(TokenKind::kError, start);
        t.value = "`" + std::string(text) + "` is not a date; write dates as YYYY-MM-DD, e.g. 2025-03-01";
        return t;
      }
      Token t = Make(TokenKind::kDate, start);
      t.day = day;
      return t;
    }
    size_t p = pos_;
    if (rule_[p] == '-' || rule_[p] == '+') ++p;
    while (p < n && IsDigit(rule_[p])) ++p;
    bool fraction = false;
    if (p < n && rule_[p] == '.') {
      fraction = true;
      ++p;
      while (p < n && IsDigit(rule_[p])) ++p;
    }
    const std::string_view text = rule_.substr(pos_, p - pos_);
    // A relative date: a signed whole number and a unit letter that ends the word.
    if (!fraction && (c == '-' || c == '+') && p < n &&
        (AsciiLower(rule_[p]) == 'd' || AsciiLower(rule_[p]) == 'w' || AsciiLower(rule_[p]) == 'm' ||
         AsciiLower(rule_[p]) == 'y') &&
        (p + 1 >= n || !IsIdentChar(rule_[p + 1]))) {
      const char unit = AsciiLower(rule_[p]);
      pos_ = p + 1;
      double amount = 0;
      if (!ParseDouble(text.substr(1), &amount) || amount > 100000) {
        Token t = Make(TokenKind::kError, start);
        t.value = "relative date out of range (at most 100000 units)";
        return t;
      }
      Token t = Make(TokenKind::kRelative, start);
      t.number = c == '-' ? -amount : amount;
      t.unit = unit;
      return t;
    }
    pos_ = p;
    if (p < n && IsIdentStart(rule_[p])) {
      while (pos_ < n && IsIdentChar(rule_[pos_])) ++pos_;
      Token t = Make(TokenKind::kError, start);
      t.value = "cannot read `" + std::string(rule_.substr(start, pos_ - start)) + "`: " +
                ((c == '-' || c == '+') ? "relative dates are written -90d, -2w, -12m or -1y (days, weeks, months, years)"
                                        : "put a space between a number and a word");
      return t;
    }
    double value = 0;
    std::string_view digits = text;
    if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
    if (!ParseDouble(digits, &value) || !std::isfinite(value)) {
      Token t = Make(TokenKind::kError, start);
      t.value = "`" + std::string(text) + "` is not a number";
      return t;
    }
    if (std::fabs(value) >= 1e15) {
      Token t = Make(TokenKind::kError, start);
      t.value = "`" + std::string(text) + "` is too large (numbers in rules stay below 1,000,000,000,000,000)";
      return t;
    }
    Token t = Make(TokenKind::kNumber, start);
    t.number = value;
    return t;
  }

  ++pos_;
  switch (c) {
    case '(': return Make(TokenKind::kLParen, start);
    case ')': return Make(TokenKind::kRParen, start);
    case ',': return Make(TokenKind::kComma, start);
    case '=': {
      if (pos_ < n && rule_[pos_] == '=') ++pos_;  // `==` reads as `=`
      Token t = Make(TokenKind::kOp, start);
      t.op = CompareOp::kEq;
      return t;
    }
    case '!':
      if (pos_ < n && rule_[pos_] == '=') {
        ++pos_;
        Token t = Make(TokenKind::kOp, start);
        t.op = CompareOp::kNe;
        return t;
      }
      break;
    case '<': {
      CompareOp op = CompareOp::kLt;
      if (pos_ < n && rule_[pos_] == '=') {
        ++pos_;
        op = CompareOp::kLe;
      } else if (pos_ < n && rule_[pos_] == '>') {
        ++pos_;
        op = CompareOp::kNe;
      }
      Token t = Make(TokenKind::kOp, start);
      t.op = op;
      return t;
    }
    case '>': {
      CompareOp op = CompareOp::kGt;
      if (pos_ < n && rule_[pos_] == '=') {
        ++pos_;
        op = CompareOp::kGe;
      }
      Token t = Make(TokenKind::kOp, start);
      t.op = op;
      return t;
    }
    default: break;
  }
  // One UTF-8 character (not a lone byte) in the error span.
  while (pos_ < n && (static_cast<unsigned char>(rule_[pos_]) & 0xC0) == 0x80) ++pos_;
  Token t = Make(TokenKind::kError, start);
  if (c == '&' || c == '|') {
    t.value = std::string("unexpected `") + c + "`; write AND / OR";
  } else if (c == '!') {
    t.value = "unexpected `!`; write NOT, or != for \"not equal\"";
  } else if (static_cast<unsigned char>(c) >= 0x80) {
    t.value = "unexpected character `" + std::string(t.text) + "`; quote text values with \"...\"";
  } else {
    t.value = "unexpected character `" + std::string(t.text) + "`";
  }
  return t;
}

std::vector<RuleToken> ClassifyTokens(std::string_view rule) {
  std::vector<RuleToken> out;
  Lexer lexer(rule);
  for (;;) {
    const Token t = lexer.Next();
    if (t.kind == TokenKind::kEnd) break;
    const char* cls = "error";
    switch (t.kind) {
      case TokenKind::kIdent: {
        cls = "unknown";
        for (const char* k : {"and", "or", "not", "but", "in", "contains", "between"}) {
          if (EqualsIgnoreCase(t.text, k)) cls = "keyword";
        }
        for (const char* k : {"true", "false", "today"}) {
          if (EqualsIgnoreCase(t.text, k)) cls = "value";
        }
        if (std::string_view(cls) == "unknown") {
          if (FindSegmentFunction(t.text)) cls = "function";
          else if (FindSegmentField(t.text)) cls = "field";
        }
        break;
      }
      case TokenKind::kNumber: cls = "number"; break;
      case TokenKind::kString: cls = "text"; break;
      case TokenKind::kDate:
      case TokenKind::kRelative: cls = "date"; break;
      case TokenKind::kOp: cls = "operator"; break;
      case TokenKind::kLParen:
      case TokenKind::kRParen: cls = "paren"; break;
      case TokenKind::kComma: cls = "comma"; break;
      default: break;
    }
    out.push_back(RuleToken{t.span.offset, t.span.length, cls});
  }
  return out;
}

}  // namespace rapport
