// Status and Result<T>: how the engine reports an error that ends an operation (not a CSV, an unknown
// header, a damaged workspace). Expected, per-row problems are not errors: importers record them as
// ImportIssue rows and go on (see core/import/importer.h).
//
// A Status is a cheap value: ok(), or a code with a message that already says where ("orders.csv:12:16:
// `Created at`: expected a date like 2024-03-01 10:15:00 -0500, found `03/01/24`"). No exceptions cross
// this type; the wasm bindings turn a Status into {"error": {"code", "message"}}.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace rapport {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // a bad request, setting or rule
  kParseError,        // input bytes that cannot be read (not a CSV, bad encoding, unterminated quote)
  kUnknownFormat,     // a CSV whose header no importer recognises
  kNotFound,          // a customer, segment or file that does not exist
  kCorrupt,           // a damaged or truncated workspace / model file
  kIoError,           // the storage below failed (disk full, quota, SQLite error)
  kNotConverged,      // a model fit that did not converge
  kInsufficientData,  // the data cannot support the request (e.g. no repeat customers)
  kInternal,
};

const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "parse_error: orders.csv:3:1: ..." (or "ok").
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return Status(StatusCode::kInvalidArgument, std::move(m)); }
inline Status ParseError(std::string m) { return Status(StatusCode::kParseError, std::move(m)); }
inline Status CorruptError(std::string m) { return Status(StatusCode::kCorrupt, std::move(m)); }
inline Status IoError(std::string m) { return Status(StatusCode::kIoError, std::move(m)); }
inline Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status InternalError(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}    // NOLINT: REQUIRES: !status.ok()
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace rapport

#define RAPPORT_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::rapport::Status rapport_status_ = (expr); \
    if (!rapport_status_.ok()) return rapport_status_; \
  } while (0)
