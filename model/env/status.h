// Status: the outcome of an operation that can fail for expected reasons (a full disk, a missing
// file, a Kafka error such as NOT_LEADER_OR_FOLLOWER). Expected failures are values, never
// exceptions and never aborts; broken invariants are KS_CHECKs instead.
//
// A Status is a code plus a human-readable message. The codes below are the world's (I/O); the
// model adds Kafka's error codes as its own enum and carries them in results of its own.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace ks {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,  // no such file
    kNoSpace,   // ENOSPC: the disk is full
    kIoError,   // any other I/O failure
    kInvalidArgument,
    kCorruption,  // bytes that fail validation (CRC, lengths)
    kAlreadyExists,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status NoSpace(std::string message) { return Status(Code::kNoSpace, std::move(message)); }
  static Status IoError(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status Corruption(std::string message) {
    return Status(Code::kCorruption, std::move(message));
  }
  static Status AlreadyExists(std::string message) {
    return Status(Code::kAlreadyExists, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNoSpace() const { return code_ == Code::kNoSpace; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }

  // "NO_SPACE: disk full writing 00000000000000000000.log"
  std::string ToString() const;
  static std::string_view CodeName(Code code);

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace ks
