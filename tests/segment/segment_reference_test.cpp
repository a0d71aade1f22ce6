// docs/segments.md is the merchant's reference to the rule language. This test holds it to the engine's own
// tables (SegmentFields, SegmentFunctions, EnumValues in core/segment/ast.cpp), so neither can drift: every
// field is listed with each of its aliases and its example, every function with its signature and example,
// every enum value is spelled out, no row names a field the engine does not know, and every example parses.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/segment/lexer.h"
#include "core/segment/parser.h"
#include "test_data.h"

namespace rapport {
namespace {

std::string ReadDoc() {
  std::ifstream in(test::SourcePath("docs/segments.md"), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The markdown table rows of the doc whose first cell starts with `name` (in backticks).
std::vector<std::string> RowsFor(const std::string& doc, const std::string& name) {
  std::vector<std::string> rows;
  std::istringstream lines(doc);
  std::string line;
  const std::string head = "| `" + name;
  while (std::getline(lines, line)) {
    if (line.compare(0, head.size(), head) == 0 && line.size() > head.size() &&
        (line[head.size()] == '`' || line[head.size()] == '(')) {
      rows.push_back(line);
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("segment reference: docs/segments.md lists every field, alias, value and function", "[segment]") {
  const std::string doc = ReadDoc();
  REQUIRE(!doc.empty());
  for (const FieldInfo& f : SegmentFields()) {
    INFO("field " << f.name);
    const std::vector<std::string> rows = RowsFor(doc, f.name);
    REQUIRE(rows.size() == 1);
    const std::string& row = rows[0];
    for (const char* alias : f.aliases) {
      if (!alias) break;
      CHECK(row.find(std::string("`") + alias + "`") != std::string::npos);
    }
    CHECK(row.find(std::string("`") + f.example + "`") != std::string::npos);
    for (const std::string& value : EnumValues(f.id)) CHECK(row.find("`" + value + "`") != std::string::npos);
    Rule rule;
    RuleError error;
    CHECK(ParseRule(f.example, &rule, &error));
  }
  for (const FunctionInfo& f : SegmentFunctions()) {
    INFO("function " << f.name);
    const std::vector<std::string> rows = RowsFor(doc, f.signature);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].find(std::string("`") + f.example + "`") != std::string::npos);
    Rule rule;
    RuleError error;
    CHECK(ParseRule(f.example, &rule, &error));
  }
  // The other way round: every row of the Fields table names a field of the engine.
  const size_t start = doc.find("## Fields"), end = doc.find("Operators by type");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::istringstream lines(doc.substr(start, end - start));
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const size_t close = line.find('`', 3);
    const std::string name = line.substr(3, close - 3);
    INFO("docs row " << line);
    const FieldInfo* field = FindSegmentField(name);
    REQUIRE(field != nullptr);
    CHECK(name == field->name);
    ++rows;
  }
  CHECK(rows == static_cast<int>(SegmentFields().size()));
}

TEST_CASE("segment reference: every rule in the docs' code blocks and error table reads as documented", "[segment]") {
  // Rules quoted in the "mistake | message" table fail with the documented message.
  const std::string doc = ReadDoc();
  const size_t start = doc.find("| mistake | message |");
  REQUIRE(start != std::string::npos);
  std::istringstream lines(doc.substr(start));
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);
  int checked = 0;
  while (std::getline(lines, line) && line.rfind("| `", 0) == 0) {
    const size_t close = line.find("` |");
    const std::string rule_text = line.substr(3, close - 3);
    std::string message = line.substr(close + 4);
    message = message.substr(0, message.rfind(" |"));
    if (message.find("…") != std::string::npos || rule_text.find("in_segment") != std::string::npos) continue;
    INFO("rule " << rule_text);
    Rule rule;
    RuleError error;
    REQUIRE_FALSE(ParseRule(rule_text, &rule, &error));
    CHECK(error.message == message);
    ++checked;
  }
  CHECK(checked >= 10);
}

TEST_CASE("segment tokens: classes and spans for highlighting", "[segment]") {
  const std::string rule = "Orders >= 2 but not bougth(\"X\") OR tags CONTAINS 'vip' AND last_order_date < -90d ?";
  const std::vector<RuleToken> tokens = ClassifyTokens(rule);
  std::vector<std::string> seen;
  for (const RuleToken& t : tokens) seen.push_back(rule.substr(t.offset, t.length) + ":" + t.cls);
  const std::vector<std::string> expected = {
      "Orders:field", ">=:operator", "2:number", "but:keyword", "not:keyword", "bougth:unknown", "(:paren",
      "\"X\":text", "):paren", "OR:keyword", "tags:field", "CONTAINS:keyword", "'vip':text", "AND:keyword",
      "last_order_date:field", "<:operator", "-90d:date", "?:error"};
  CHECK(seen == expected);
  CHECK(ClassifyTokens("").empty());
  const std::vector<RuleToken> open = ClassifyTokens("bought(\"abc");
  REQUIRE(open.size() == 3);
  CHECK(std::string(open[0].cls) == "function");
  CHECK(std::string(open[2].cls) == "error");
  CHECK(open[2].offset + open[2].length == 11);
}

}  // namespace rapport
