#include "model/env/status.h"

namespace ks {

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "NOT_FOUND";
    case Code::kNoSpace:
      return "NO_SPACE";
    case Code::kIoError:
      return "IO_ERROR";
    case Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Code::kCorruption:
      return "CORRUPTION";
    case Code::kAlreadyExists:
      return "ALREADY_EXISTS";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace ks
