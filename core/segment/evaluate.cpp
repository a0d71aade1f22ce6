#include "core/segment/evaluate.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/segment/parser.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {

// --- Bitset -----------------------------------------------------------------------------------------

Bitset::Bitset(size_t bits, bool value) : bits_(bits), words_((bits + 63) / 64, value ? ~uint64_t{0} : 0) {
  ClearTail();
}

void Bitset::ClearTail() {
  if (bits_ % 64 != 0 && !words_.empty()) words_.back() &= (uint64_t{1} << (bits_ % 64)) - 1;
}

uint64_t Bitset::Count() const {
  uint64_t n = 0;
  for (uint64_t w : words_) n += static_cast<uint64_t>(__builtin_popcountll(w));
  return n;
}

void Bitset::AndWith(const Bitset& o) {
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
}
void Bitset::OrWith(const Bitset& o) {
  for (size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i];
}
void Bitset::AndNotWith(const Bitset& o) {
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= ~o.words_[i];
}
void Bitset::Invert() {
  for (uint64_t& w : words_) w = ~w;
  ClearTail();
}

std::vector<uint32_t> Bitset::Ids() const {
  std::vector<uint32_t> ids;
  ids.reserve(Count());
  for (size_t w = 0; w < words_.size(); ++w) {
    uint64_t bits = words_[w];
    while (bits) {
      ids.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits)));
      bits &= bits - 1;
    }
  }
  return ids;
}

const SavedSegment* FindSavedSegment(const std::vector<SavedSegment>& saved, std::string_view name) {
  for (const SavedSegment& s : saved) {
    if (EqualsIgnoreCase(TrimAscii(s.name), TrimAscii(name))) return &s;
  }
  return nullptr;
}

int32_t ResolveDay(const Literal& v, int32_t as_of) {
  switch (v.kind) {
    case Literal::kDate: return v.day;
    case Literal::kToday: return as_of;
    case Literal::kRelative:
      if (as_of == kNoDay) return kNoDay;
      switch (v.unit) {
        case 'd': return as_of + v.amount;
        case 'w': return as_of + 7 * v.amount;
        case 'm': return AddMonths(as_of, v.amount);
        case 'y': return AddMonths(as_of, 12 * v.amount);
      }
      return kNoDay;
    default: return kNoDay;
  }
}

namespace {

// Fills `out` with pred(x[i]) for every customer, 64 at a time (branch-free; the compiler vectorises the inner
// loop).
template <typename Pred>
void FillFromColumn(const double* x, size_t n, Pred pred, Bitset* out) {
  uint64_t* words = out->words();
  const size_t full = n / 64;
  for (size_t w = 0; w < full; ++w) {
    const double* b = x + w * 64;
    uint64_t bits = 0;
    for (unsigned j = 0; j < 64; ++j) bits |= static_cast<uint64_t>(pred(b[j])) << j;
    words[w] = bits;
  }
  if (n % 64) {
    uint64_t bits = 0;
    for (size_t j = full * 64; j < n; ++j) bits |= static_cast<uint64_t>(pred(x[j])) << (j - full * 64);
    words[full] = bits;
  }
}

template <typename T, typename Pred>
void FillFromIndex(const T* x, size_t n, Pred pred, Bitset* out) {
  uint64_t* words = out->words();
  for (size_t w = 0; w * 64 < n; ++w) {
    const size_t end = std::min(n, w * 64 + 64);
    uint64_t bits = 0;
    for (size_t j = w * 64; j < end; ++j) bits |= static_cast<uint64_t>(pred(x[j])) << (j - w * 64);
    words[w] = bits;
  }
}

bool ContainsIgnoreCase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && AsciiLower(hay[i + k]) == AsciiLower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// Text comparison of one value: equal / contains, case-insensitive, on trimmed values.
bool TextMatches(std::string_view value, CompareOp op, const std::vector<Literal>& literals) {
  value = TrimAscii(value);
  if (value.empty()) return false;  // a missing value never matches
  switch (op) {
    case CompareOp::kEq: return EqualsIgnoreCase(value, TrimAscii(literals[0].text));
    case CompareOp::kNe: return !EqualsIgnoreCase(value, TrimAscii(literals[0].text));
    case CompareOp::kContains: return ContainsIgnoreCase(value, literals[0].text);
    case CompareOp::kNotContains: return !ContainsIgnoreCase(value, literals[0].text);
    case CompareOp::kIn:
    case CompareOp::kNotIn: {
      bool any = false;
      for (const Literal& l : literals) any = any || EqualsIgnoreCase(value, TrimAscii(l.text));
      return op == CompareOp::kIn ? any : !any;
    }
    default: return false;
  }
}

std::string_view EmailDomain(std::string_view email) {
  const size_t at = email.rfind('@');
  return at == std::string_view::npos ? std::string_view() : email.substr(at + 1);
}

// Words of a bought("...") argument, lower-cased.
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(AsciiLower(c));
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

bool CategoryMatches(std::string_view category, std::string_view wanted) {
  wanted = TrimAscii(wanted);
  if (EqualsIgnoreCase(TrimAscii(category), wanted)) return true;
  // "Animals & Pet Supplies > Pet Supplies > Dog Supplies": any level.
  while (!category.empty()) {
    const size_t gt = category.find('>');
    if (EqualsIgnoreCase(TrimAscii(category.substr(0, gt)), wanted)) return true;
    if (gt == std::string_view::npos) break;
    category = category.substr(gt + 1);
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(const SegmentContext& ctx, const std::vector<SavedSegment>& saved, RuleError* error)
      : ctx_(ctx), saved_(saved), error_(error) {}

  bool Run(const Rule& rule, Bitset* out) {
    rule_text_ = rule.text;
    return Eval(*rule.root, out);
  }

 private:
  bool Fail(SourceSpan span, std::string message) {
    error_->offset = span.offset;
    error_->length = span.length;
    error_->message = std::move(message);
    return false;
  }

  bool Eval(const Node& node, Bitset* out) {
    switch (node.kind) {
      case Node::kAnd:
      case Node::kOr: {
        if (!Eval(*node.left, out)) return false;
        // A BUT NOT B: evaluate B and clear it, without materialising NOT B.
        const Node& right = node.but_not && node.right->kind == Node::kNot ? *node.right->left : *node.right;
        Bitset r;
        if (!Eval(right, &r)) return false;
        if (node.kind == Node::kOr) {
          out->OrWith(r);
        } else if (&right != node.right.get()) {
          out->AndNotWith(r);
        } else {
          out->AndWith(r);
        }
        return true;
      }
      case Node::kNot:
        if (!Eval(*node.left, out)) return false;
        out->Invert();
        return true;
      case Node::kCompare: return Compare(node, out);
      case Node::kCall: return Call(node, out);
    }
    return false;
  }

  bool Day(const Literal& literal, int32_t* day) {
    *day = ResolveDay(literal, ctx_.as_of_day);
    if (*day == kNoDay) {
      return Fail(literal.span, "a relative date needs an analysis date, and this workspace has no valid orders yet");
    }
    return true;
  }

  // The number a literal stands for, in the units of the field's column.
  bool Target(const FieldInfo& field, const Literal& literal, double* target) {
    switch (field.type) {
      case FieldType::kMoney: *target = std::round(literal.number * 100.0); return true;
      case FieldType::kDate: {
        int32_t day;
        if (!Day(literal, &day)) return false;
        *target = day;
        return true;
      }
      default: *target = literal.number; return true;
    }
  }

  bool Compare(const Node& node, Bitset* out) {
    const FieldInfo& field = *node.field;
    const size_t fi = static_cast<size_t>(field.id);
    if (IsModelField(field.id)) ctx_.EnsureModels();  // fitted on first use
    if (!ctx_.unavailable[fi].empty()) return Fail(node.span, std::string("`") + field.name + "` " + ctx_.unavailable[fi]);
    const size_t n = ctx_.customers;
    *out = Bitset(n);
    const Workspace& ws = *ctx_.workspace;
    switch (field.type) {
      case FieldType::kCount:
      case FieldType::kMoney:
      case FieldType::kNumber:
      case FieldType::kDate:
      case FieldType::kBool: {
        const std::vector<double>& col = ctx_.number[fi];
        if (col.size() != n) return Fail(node.span, std::string("`") + field.name + "` has no values in this workspace");
        const double* x = col.data();
        std::vector<double> targets;
        for (const Literal& l : node.values) {
          double t;
          if (!Target(field, l, &t)) return false;
          targets.push_back(t);
        }
        const double v = targets[0];
        switch (node.op) {
          case CompareOp::kEq: FillFromColumn(x, n, [v](double a) { return a == v; }, out); break;
          case CompareOp::kNe: FillFromColumn(x, n, [v](double a) { return a == a && a != v; }, out); break;
          case CompareOp::kLt: FillFromColumn(x, n, [v](double a) { return a < v; }, out); break;
          case CompareOp::kLe: FillFromColumn(x, n, [v](double a) { return a <= v; }, out); break;
          case CompareOp::kGt: FillFromColumn(x, n, [v](double a) { return a > v; }, out); break;
          case CompareOp::kGe: FillFromColumn(x, n, [v](double a) { return a >= v; }, out); break;
          case CompareOp::kBetween: {
            const double lo = std::min(targets[0], targets[1]), hi = std::max(targets[0], targets[1]);
            FillFromColumn(x, n, [lo, hi](double a) { return a >= lo && a <= hi; }, out);
            break;
          }
          case CompareOp::kIn:
          case CompareOp::kNotIn: {
            const bool in = node.op == CompareOp::kIn;
            FillFromColumn(x, n, [&targets, in](double a) {
              if (a != a) return false;
              bool any = false;
              for (double t : targets) any |= a == t;
              return any == in;
            }, out);
            break;
          }
          default: return Fail(node.span, "operator not supported here");
        }
        return true;
      }
      case FieldType::kEnum: {
        const std::vector<uint8_t>& codes = ctx_.enum_code[fi];
        if (codes.size() != n) return Fail(node.span, std::string("`") + field.name + "` has no values in this workspace");
        bool table[256] = {};
        for (const Literal& l : node.values) {
          const uint8_t code = EnumCode(field.id, l.text);
          if (code != kNoEnum) table[code] = true;
        }
        const bool negate = node.op == CompareOp::kNe || node.op == CompareOp::kNotIn;
        if (negate) {
          for (int i = 0; i < 256; ++i) table[i] = !table[i];
        }
        table[kNoEnum] = false;
        FillFromIndex(codes.data(), n, [&table](uint8_t c) { return table[c]; }, out);
        return true;
      }
      case FieldType::kText: {
        if (field.id == FieldId::kCountry) {
          // Decide once per dictionary entry, then one lookup per customer.
          std::vector<uint8_t> table(ws.countries.size(), 0);
          for (uint32_t id = 1; id < ws.countries.size(); ++id) table[id] = TextMatches(ws.countries[id], node.op, node.values);
          const std::vector<uint32_t>& col = ws.customers.country;
          FillFromIndex(col.data(), std::min(n, col.size()),
                        [&table](uint32_t id) { return id < table.size() && table[id]; }, out);
          return true;
        }
        const CustomerTable& cu = ws.customers;
        for (size_t c = 0; c < n; ++c) {
          std::string_view value;
          switch (field.id) {
            case FieldId::kEmail: value = cu.email[c]; break;
            case FieldId::kEmailDomain: value = EmailDomain(cu.email[c]); break;
            case FieldId::kFirstName: value = c < cu.first_name.size() ? std::string_view(cu.first_name[c]) : ""; break;
            case FieldId::kLastName: value = c < cu.last_name.size() ? std::string_view(cu.last_name[c]) : ""; break;
            default: break;
          }
          if (TextMatches(value, node.op, node.values)) out->Set(c);
        }
        return true;
      }
      case FieldType::kTags: {
        std::vector<uint8_t> wanted(ctx_.tag_names.size(), 0);
        for (size_t t = 0; t < ctx_.tag_names.size(); ++t) {
          for (const Literal& l : node.values) wanted[t] |= EqualsIgnoreCase(ctx_.tag_names[t], TrimAscii(l.text));
        }
        const bool negate = node.op == CompareOp::kNotContains || node.op == CompareOp::kNotIn;
        // Tags with ids below 63 through the per-customer mask (branch-free); the rare customers with more
        // tags than that (bit 63) through their lists.
        uint64_t wanted_mask = 0;
        bool wanted_high = false;
        for (size_t t = 0; t < wanted.size(); ++t) {
          if (!wanted[t]) continue;
          if (t < 63) wanted_mask |= uint64_t{1} << t;
          else wanted_high = true;
        }
        FillFromIndex(ctx_.tag_mask.data(), n, [wanted_mask, negate](uint64_t m) { return ((m & wanted_mask) != 0) != negate; }, out);
        if (wanted_high) {
          for (size_t c = 0; c < n; ++c) {
            if (!(ctx_.tag_mask[c] >> 63)) continue;
            bool any = false;
            for (uint32_t k = ctx_.tag_offsets[c]; k < ctx_.tag_offsets[c + 1]; ++k) any |= wanted[ctx_.tag_ids[k]] != 0;
            if (any != negate) {
              out->Set(c);
            } else {
              out->words()[c >> 6] &= ~(uint64_t{1} << (c & 63));
            }
          }
        }
        return true;
      }
    }
    return false;
  }

  bool Call(const Node& node, Bitset* out) {
    const size_t n = ctx_.customers;
    *out = Bitset(n);
    const Workspace& ws = *ctx_.workspace;
    switch (node.function->id) {
      case FunctionId::kBought:
      case FunctionId::kBoughtIn: {
        int32_t since = INT32_MIN;
        if (node.values.size() > 1 && !Day(node.values[1], &since)) return false;
        const ProductTable& p = ws.products;
        std::vector<uint8_t> match(p.size(), 0);
        const std::string& text = node.values[0].text;
        if (node.function->id == FunctionId::kBought) {
          const std::vector<std::string> words = Words(text);
          const std::string_view trimmed = TrimAscii(text);
          for (size_t i = 0; i < p.size(); ++i) {
            bool m = (!p.sku[i].empty() && EqualsIgnoreCase(TrimAscii(p.sku[i]), trimmed)) ||
                     (i < p.handle.size() && !p.handle[i].empty() && EqualsIgnoreCase(p.handle[i], trimmed));
            if (!m && !words.empty()) {
              m = true;
              for (const std::string& w : words) m = m && ContainsIgnoreCase(p.title[i], w);
            }
            match[i] = m;
          }
        } else {
          std::vector<uint8_t> label_match(ws.labels.size(), 0);
          for (uint32_t id = 1; id < ws.labels.size(); ++id) label_match[id] = CategoryMatches(ws.labels[id], text);
          for (size_t i = 0; i < p.size(); ++i) {
            const uint32_t cat = i < p.category.size() ? p.category[i] : 0;
            match[i] = cat < label_match.size() && label_match[cat];
          }
        }
        // bought_in over all time and categories among the first 63: the per-customer category mask.
        if (node.function->id == FunctionId::kBoughtIn && node.values.size() == 1 && ctx_.category_labels.size() <= 63) {
          uint64_t wanted = 0;
          for (size_t k = 0; k < ctx_.category_labels.size(); ++k) {
            if (CategoryMatches(ws.labels[ctx_.category_labels[k]], text)) wanted |= uint64_t{1} << k;
          }
          FillFromIndex(ctx_.category_mask.data(), n, [wanted](uint64_t m) { return (m & wanted) != 0; }, out);
          return true;
        }
        // Only the matching products' lines (the context indexes lines by product).
        for (size_t prod = 0; prod < match.size() && prod + 1 < ctx_.product_line_offsets.size(); ++prod) {
          if (!match[prod]) continue;
          for (uint32_t k = ctx_.product_line_offsets[prod]; k < ctx_.product_line_offsets[prod + 1]; ++k) {
            const uint32_t line = ctx_.product_lines[k];
            if (ctx_.line_day[line] >= since) out->Set(ctx_.line_customer[line]);
          }
        }
        return true;
      }
      case FunctionId::kOrderedSince: {
        int32_t since;
        if (!Day(node.values[0], &since)) return false;
        const double v = since;
        FillFromColumn(ctx_.column(FieldId::kLastOrderDate).data(), n, [v](double a) { return a >= v; }, out);
        return true;
      }
      case FunctionId::kOrderedBetween: {
        int32_t a, b;
        if (!Day(node.values[0], &a) || !Day(node.values[1], &b)) return false;
        if (a > b) std::swap(a, b);
        const CustomerFacts& f = ctx_.facts();
        for (uint32_t c = 0; c < n; ++c) {
          if (f.orders[c] == 0 || f.last_day[c] < a || f.first_day[c] > b) continue;
          for (const uint32_t* p = f.begin_orders(c); p != f.end_orders(c); ++p) {
            const int32_t d = ws.orders.day[*p];
            if (d >= a && d <= b) {
              out->Set(c);
              break;
            }
          }
        }
        return true;
      }
      case FunctionId::kReviewed: {
        const int8_t min = node.values.empty() ? 1 : static_cast<int8_t>(std::ceil(node.values[0].number));
        FillFromIndex(ctx_.max_rating.data(), n, [min](int8_t r) { return r >= min; }, out);
        return true;
      }
      case FunctionId::kComplained: {
        int32_t since = INT32_MIN + 1;
        if (!node.values.empty() && !Day(node.values[0], &since)) return false;
        FillFromIndex(ctx_.last_complaint_day.data(), n, [since](int32_t d) { return d != kNoDay && d >= since; }, out);
        return true;
      }
      case FunctionId::kInSegment: return InSegment(node, out);
    }
    return false;
  }

  bool InSegment(const Node& node, Bitset* out) {
    const std::string& name = node.values[0].text;
    const SavedSegment* segment = FindSavedSegment(saved_, name);
    if (!segment) {
      std::vector<std::string> names;
      for (const SavedSegment& s : saved_) names.push_back(s.name);
      std::string message = "no saved segment named \"" + name + "\"";
      const std::string s = ClosestMatch(name, names);
      if (!s.empty()) {
        message += "; did you mean \"" + s + "\"?";
      } else if (names.empty()) {
        message += " (no segments are saved yet)";
      }
      return Fail(node.values[0].span, message);
    }
    const std::string key = ToLowerAscii(TrimAscii(segment->name));
    auto done = memo_.find(key);
    if (done != memo_.end()) {
      *out = done->second;
      return true;
    }
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i] == key) {
        std::string path;
        for (size_t k = i; k < stack_.size(); ++k) path += "\"" + stack_[k] + "\" -> ";
        return Fail(node.span, "saved segments refer to each other in a cycle: " + path + "\"" + key + "\"");
      }
    }
    stack_.push_back(key);
    Rule inner;
    RuleError inner_error;
    if (!ParseRule(segment->rule, &inner, &inner_error)) {
      return Fail(node.span, "saved segment \"" + segment->name + "\" has an invalid rule: " + inner_error.message);
    }
    // Errors inside the saved rule are reported at this call, naming the segment and the inner message.
    RuleError nested;
    Evaluator sub(ctx_, saved_, &nested);
    sub.stack_ = stack_;
    sub.memo_ = std::move(memo_);
    sub.rule_text_ = segment->rule;
    const bool ok = sub.Eval(*inner.root, out);
    memo_ = std::move(sub.memo_);
    stack_.pop_back();
    if (!ok) {
      if (nested.message.rfind("saved segments refer to each other", 0) == 0) return Fail(node.span, nested.message);
      return Fail(node.span, "in saved segment \"" + segment->name + "\": " + nested.message);
    }
    memo_.emplace(key, *out);
    return true;
  }

  const SegmentContext& ctx_;
  const std::vector<SavedSegment>& saved_;
  RuleError* error_;
  std::string rule_text_;
  std::vector<std::string> stack_;       // lower-cased names of the saved segments being evaluated
  std::map<std::string, Bitset> memo_;   // saved segments already evaluated in this call
};

}  // namespace

bool EvaluateRule(const Rule& rule, const SegmentContext& context, const std::vector<SavedSegment>& saved,
                  Bitset* members, RuleError* error) {
  if (!rule.root) {
    error->offset = 0;
    error->length = 0;
    error->message = "empty rule";
    return false;
  }
  Evaluator evaluator(context, saved, error);
  return evaluator.Run(rule, members);
}

bool EvaluateRuleText(std::string_view text, const SegmentContext& context, const std::vector<SavedSegment>& saved,
                      Bitset* members, RuleError* error) {
  Rule rule;
  if (!ParseRule(text, &rule, error)) return false;
  return EvaluateRule(rule, context, saved, members, error);
}

bool SegmentHistory(const Workspace& workspace, const Settings& settings, const Rule& rule,
                    const std::vector<SavedSegment>& saved, int months, std::vector<MembershipPoint>* points,
                    RuleError* error) {
  points->clear();
  const int32_t as_of = settings.as_of_day != kNoDay ? settings.as_of_day : workspace.LatestValidOrderDay();
  if (as_of == kNoDay || months <= 0) return true;
  months = std::min(months, 240);
  int y, m, d;
  CivilFromDays(as_of, &y, &m, &d);
  const int32_t month_start = DaysFromCivil(y, m, 1);
  SegmentContextOptions options;
  options.models = false;
  for (int k = months - 1; k >= 0; --k) {
    // The end of the month k months before as_of's month; the current month ends at as_of.
    const int32_t day = k == 0 ? as_of : AddMonths(month_start, -k + 1) - 1;
    const SegmentContext ctx = BuildSegmentContext(workspace, settings, day, options);
    Bitset members;
    if (!EvaluateRule(rule, ctx, saved, &members, error)) return false;
    points->push_back(MembershipPoint{day, members.Count(), ctx.facts().customers_with_orders});
  }
  return true;
}

}  // namespace rapport
