#include "core/util/date.h"

#include <cstdio>

#include "core/util/text.h"

namespace rapport {

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain description,
// "chrono-Compatible Low-Level Date Algorithms"), written out here.
int32_t DaysFromCivil(int year, int month, int day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(int32_t z, int* year, int* month, int* day) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2);
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

static int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

bool IsValidCivil(int year, int month, int day) {
  return year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

std::string FormatDay(int32_t day) {
  if (day == kNoDay) return "";
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

int32_t AddMonths(int32_t day, int months) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  int index = y * 12 + (m - 1) + months;
  int ny = index >= 0 ? index / 12 : -((-index + 11) / 12);
  int nm = index - ny * 12 + 1;
  int dim = DaysInMonth(ny, nm);
  return DaysFromCivil(ny, nm, d > dim ? dim : d);
}

namespace {

// A tiny cursor over the text; every Take* returns false without consuming on mismatch.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return i < s.size() ? s[i] : '\0'; }
  bool TakeDigits(int min_len, int max_len, int* out) {
    int v = 0, n = 0;
    while (n < max_len && i + n < s.size() && s[i + n] >= '0' && s[i + n] <= '9') v = v * 10 + (s[i + n++] - '0');
    if (n < min_len) return false;
    i += n;
    *out = v;
    return true;
  }
  bool Take(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  void SkipSpaces() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
};

// Optional "HH:MM[:SS[.fff]][ AM|PM]" then an optional offset. Returns false on trailing garbage.
bool ParseTimeAndOffset(Cursor& c, Timestamp* out) {
  c.SkipSpaces();
  if (c.done()) return true;
  if (c.peek() == 'T' || c.peek() == 't') ++c.i;
  int hh = 0, mm = 0, ss = 0;
  if (c.TakeDigits(1, 2, &hh)) {
    if (!c.Take(':') || !c.TakeDigits(2, 2, &mm)) return false;
    if (c.Take(':')) {
      if (!c.TakeDigits(2, 2, &ss)) return false;
      if (c.Take('.')) {
        int frac;
        if (!c.TakeDigits(1, 9, &frac)) return false;
      }
    }
    c.SkipSpaces();
    // 12-hour clock (Magento). "16:01:00 PM" (old Magento) keeps the 24-hour value.
    if (c.i + 1 < c.s.size() && (c.s[c.i + 1] == 'M' || c.s[c.i + 1] == 'm')) {
      char ap = c.peek();
      if (ap == 'A' || ap == 'a' || ap == 'P' || ap == 'p') {
        c.i += 2;
        if (hh > 12 || hh == 0) {
          if (hh == 0 || hh > 23) return false;
        } else if (ap == 'P' || ap == 'p') {
          if (hh != 12) hh += 12;
        } else if (hh == 12) {
          hh = 0;
        }
        c.SkipSpaces();
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return false;
    out->seconds = hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
  }
  c.SkipSpaces();
  if (c.done()) return true;
  if (c.peek() == 'Z' || c.peek() == 'z') {
    ++c.i;
    out->has_offset = true;
    out->offset_minutes = 0;
  } else if (c.s.substr(c.i, 3) == "UTC" || c.s.substr(c.i, 3) == "GMT") {
    c.i += 3;
    out->has_offset = true;
    out->offset_minutes = 0;
    if (c.peek() == '+' || c.peek() == '-') goto signed_offset;
  } else if (c.peek() == '+' || c.peek() == '-') {
  signed_offset:
    const int sign = c.peek() == '-' ? -1 : 1;
    ++c.i;
    int oh = 0, om = 0;
    if (!c.TakeDigits(2, 2, &oh)) return false;
    c.Take(':');
    if (!c.done() && !c.TakeDigits(2, 2, &om)) return false;
    if (oh > 18 || om > 59) return false;
    out->has_offset = true;
    out->offset_minutes = sign * (oh * 60 + om);
  }
  c.SkipSpaces();
  return c.done();
}

bool Finish(int y, int m, int d, Cursor& c, Timestamp* out) {
  if (!IsValidCivil(y, m, d)) return false;
  Timestamp t;
  t.day = DaysFromCivil(y, m, d);
  if (!ParseTimeAndOffset(c, &t)) return false;
  *out = t;
  return true;
}

int MonthFromName(std::string_view name) {
  static const char* kNames[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return 0;
  for (int i = 0; i < 12; ++i) {
    if (AsciiLower(name[0]) == kNames[i][0] && AsciiLower(name[1]) == kNames[i][1] && AsciiLower(name[2]) == kNames[i][2]) return i + 1;
  }
  return 0;
}

// "YYYY-MM-DD HH:MM:SS +HHMM" (25 bytes), the form of every Shopify export's dates, read at once. False for
// anything else and for a part out of range, which the general path then reads (or refuses) as before; where
// this returns true the general path gives the same Timestamp.
bool ParseShopifyForm(std::string_view t, Timestamp* out) {
  if (t.size() != 25) return false;
  const char* p = t.data();
  if (p[4] != '-' || p[7] != '-' || p[10] != ' ' || p[13] != ':' || p[16] != ':' || p[19] != ' ' ||
      (p[20] != '+' && p[20] != '-')) {
    return false;
  }
  unsigned any_bad = 0;
  auto two = [&](int i) {
    const unsigned a = static_cast<unsigned>(p[i] - '0'), b = static_cast<unsigned>(p[i + 1] - '0');
    any_bad |= (a > 9) | (b > 9);
    return static_cast<int>(a * 10 + b);
  };
  const int y = two(0) * 100 + two(2), m = two(5), d = two(8), hh = two(11), mm = two(14), ss = two(17);
  const int oh = two(21), om = two(23);
  if (any_bad || !IsValidCivil(y, m, d) || hh > 23 || mm > 59 || ss > 60 || oh > 18 || om > 59) return false;
  Timestamp ts;
  ts.day = DaysFromCivil(y, m, d);
  ts.seconds = hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
  ts.has_offset = true;
  ts.offset_minutes = (p[20] == '-' ? -1 : 1) * (oh * 60 + om);
  *out = ts;
  return true;
}

}  // namespace

int32_t ParseIsoDay(std::string_view text) {
  Cursor c{text};
  int y, m, d;
  if (!c.TakeDigits(4, 4, &y) || !c.Take('-') || !c.TakeDigits(2, 2, &m) || !c.Take('-') || !c.TakeDigits(2, 2, &d)) return kNoDay;
  if (!c.done() || !IsValidCivil(y, m, d)) return kNoDay;
  return DaysFromCivil(y, m, d);
}

bool ParseTimestamp(std::string_view text, DateFormat format, Timestamp* out) {
  text = TrimAscii(text);
  if (format == DateFormat::kAuto && ParseShopifyForm(text, out)) return true;
  Cursor c{text};
  int y = 0, m = 0, d = 0;
  switch (format) {
    case DateFormat::kAuto: {
      if (!c.TakeDigits(4, 4, &y)) return false;
      if (c.Take('-')) {
        if (!c.TakeDigits(1, 2, &m) || !c.Take('-') || !c.TakeDigits(1, 2, &d)) return false;
      } else if (c.Take('/')) {
        if (!c.TakeDigits(1, 2, &m) || !c.Take('/') || !c.TakeDigits(1, 2, &d)) return false;
      } else {
        // YYYYMMDD (CDNOW)
        if (!c.TakeDigits(2, 2, &m) || !c.TakeDigits(2, 2, &d)) return false;
      }
      return Finish(y, m, d, c, out);
    }
    case DateFormat::kDayMonthYear:
    case DateFormat::kMonthDayYear: {
      int a, b;
      if (!c.TakeDigits(1, 2, &a)) return false;
      char sep = c.peek();
      if (sep != '-' && sep != '/' && sep != '.') return false;
      ++c.i;
      if (!c.TakeDigits(1, 2, &b) || !c.Take(sep) || !c.TakeDigits(4, 4, &y)) return false;
      if (format == DateFormat::kDayMonthYear) { d = a; m = b; } else { m = a; d = b; }
      return Finish(y, m, d, c, out);
    }
    case DateFormat::kMonthNameDayYear: {
      size_t start = c.i;
      while (!c.done() && ((c.peek() >= 'A' && c.peek() <= 'Z') || (c.peek() >= 'a' && c.peek() <= 'z'))) ++c.i;
      m = MonthFromName(text.substr(start, c.i - start));
      if (m == 0) return false;
      c.SkipSpaces();
      if (!c.TakeDigits(1, 2, &d)) return false;
      // ordinal suffix: 1st 2nd 3rd 13th
      while (!c.done() && c.peek() >= 'a' && c.peek() <= 'z') ++c.i;
      c.Take(',');
      c.SkipSpaces();
      if (!c.TakeDigits(4, 4, &y)) return false;
      c.Take(',');
      return Finish(y, m, d, c, out);
    }
    case DateFormat::kUnixSeconds: {
      int64_t v = 0;
      size_t i = 0;
      if (text.empty()) return false;
      for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) v = v * 10 + (text[i] - '0');
      if (i != text.size() || i > 12) return false;
      Timestamp t;
      t.day = static_cast<int32_t>(v / 86400);
      t.seconds = static_cast<int32_t>(v % 86400);
      t.has_offset = true;
      *out = t;
      return true;
    }
  }
  return false;
}

const char* DateFormatExample(DateFormat format) {
  switch (format) {
    case DateFormat::kAuto: return "2024-03-01 10:15:00 -0500";
    case DateFormat::kDayMonthYear: return "01-03-2024";
    case DateFormat::kMonthDayYear: return "03/01/2024";
    case DateFormat::kMonthNameDayYear: return "Mar 1, 2024 10:15:00 AM";
    case DateFormat::kUnixSeconds: return "1709288100";
  }
  return "";
}

const char* DateFormatName(DateFormat format) {
  switch (format) {
    case DateFormat::kAuto: return "auto";
    case DateFormat::kDayMonthYear: return "dmy";
    case DateFormat::kMonthDayYear: return "mdy";
    case DateFormat::kMonthNameDayYear: return "month-name";
    case DateFormat::kUnixSeconds: return "unix";
  }
  return "auto";
}

bool DateFormatFromName(std::string_view name, DateFormat* out) {
  for (DateFormat f : {DateFormat::kAuto, DateFormat::kDayMonthYear, DateFormat::kMonthDayYear,
                       DateFormat::kMonthNameDayYear, DateFormat::kUnixSeconds}) {
    if (name == DateFormatName(f)) {
      *out = f;
      return true;
    }
  }
  return false;
}

}  // namespace rapport
