// Tokens of the segment rule language (grammar in core/segment/ast.h). The lexer never allocates for
// identifiers or numbers (tokens are views into the rule) and never fails: a byte it cannot read becomes a
// kError token that the parser reports with its offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/segment/ast.h"

namespace rapport {

enum class TokenKind : uint8_t {
  kEnd,
  kIdent,     // a field, function or keyword (AND, OR, NOT, BUT, IN, CONTAINS, BETWEEN, true, false, today)
  kNumber,    // 12, 12.5, -3
  kString,    // "text" or 'text' (value has the quotes removed and \" \\ \' unescaped)
  kDate,      // 2025-03-01 (unquoted)
  kRelative,  // -90d, +2w, -12m, -1y
  kOp,        // = != <> < <= > >=
  kLParen,
  kRParen,
  kComma,
  kError,     // message in `value`
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourceSpan span;
  std::string_view text;  // the raw bytes
  std::string value;      // kString: the unquoted text; kError: the message
  double number = 0;      // kNumber; kRelative: the signed amount
  int32_t day = 0;        // kDate
  char unit = 0;          // kRelative
  CompareOp op = CompareOp::kEq;  // kOp
};

class Lexer {
 public:
  explicit Lexer(std::string_view rule) : rule_(rule) {}
  Token Next();
  size_t position() const { return pos_; }

 private:
  Token Make(TokenKind kind, size_t start);
  std::string_view rule_;
  size_t pos_ = 0;
};

// One token of a rule for syntax highlighting. The dashboard colours the rule with these (segment op option
// "tokens": true), so the browser never carries a second grammar. `cls` is one of:
//   keyword (AND OR NOT BUT IN CONTAINS BETWEEN), field, function, value (true false today), number, text,
//   date (2025-03-01, -90d), operator, paren, comma, unknown (a word that names no field or function),
//   error (a byte the lexer cannot read, an unterminated text).
struct RuleToken {
  uint32_t offset = 0;
  uint32_t length = 0;
  const char* cls = "";
};
// Every token of `rule`, in order (never fails; stops at the end of the rule).
std::vector<RuleToken> ClassifyTokens(std::string_view rule);

}  // namespace rapport
