// Calendar days and timestamps as the engine stores them.
//
// A day is an int32_t count of days since 1970-01-01 in the proleptic Gregorian calendar, taken in the
// store's local calendar (the export's UTC offset), never in UTC (DESIGN §3). A timestamp keeps the
// local day, the seconds since local midnight and the UTC offset it was written with, so both the
// store-local day and the UTC instant can be had without a time-zone database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rapport {

constexpr int32_t kNoDay = INT32_MIN;

// Days since 1970-01-01 for a civil date. REQUIRES: 1 <= month <= 12, 1 <= day <= 31.
int32_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int32_t days, int* year, int* month, int* day);
bool IsValidCivil(int year, int month, int day);
// "2024-03-01".
std::string FormatDay(int32_t day);
// Parses exactly "YYYY-MM-DD" (the form settings and the CLI use); kNoDay otherwise.
int32_t ParseIsoDay(std::string_view text);
// Adds calendar months, clamping the day of month (Jan 31 + 1 month = Feb 28/29).
int32_t AddMonths(int32_t day, int months);
// Months between the months of two days: MonthIndex(2024-03-xx) - MonthIndex(2024-01-xx) = 2.
inline int32_t MonthIndex(int32_t day) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  return y * 12 + (m - 1);
}

struct Timestamp {
  int32_t day = kNoDay;          // store-local calendar day
  int32_t seconds = 0;           // seconds since local midnight, 0..86399
  int32_t offset_minutes = 0;    // UTC offset the value was written with (local = UTC + offset)
  bool has_offset = false;       // false when the text carried no offset (wall-clock time, zone unknown)
  bool valid() const { return day != kNoDay; }
  // Seconds since the Unix epoch (UTC); treats a missing offset as UTC.
  int64_t UnixSeconds() const { return int64_t(day) * 86400 + seconds - int64_t(offset_minutes) * 60; }
};

// How a date column is written. kAuto accepts the ISO forms below plus YYYYMMDD.
enum class DateFormat {
  kAuto,        // YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][( )(±HHMM|±HH:MM|Z|UTC)] or YYYYMMDD or YYYY/MM/DD
  kDayMonthYear,   // DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY (Kaggle groceries)
  kMonthDayYear,   // MM/DD/YYYY (BigCommerce, US spreadsheets)
  kMonthNameDayYear,  // "Jun 3, 2024 10:11:12 AM" (Magento), "Mar 13th 2026"
  kUnixSeconds,
};

// Parses a date or date-time; returns false (and leaves *out invalid) when text does not match.
// Trailing time, seconds and offset are optional in every form.
bool ParseTimestamp(std::string_view text, DateFormat format, Timestamp* out);

// A short example of the format for error messages: "2024-03-01 10:15:00 -0500".
const char* DateFormatExample(DateFormat format);
// "auto", "dmy", "mdy", "month-name", "unix" and back.
const char* DateFormatName(DateFormat format);
bool DateFormatFromName(std::string_view name, DateFormat* out);

}  // namespace rapport
