#include "model/env/check.h"

#include <cstdio>
#include <cstdlib>

namespace ks {

namespace {
std::string& FailureContext() {
  static std::string context;
  return context;
}
}  // namespace

void SetCheckFailureContext(std::string context) { FailureContext() = std::move(context); }

void CheckFailed(const char* condition, const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "kafkasim: invariant broken: %s at %s:%d%s%s\n", condition, file, line,
               message.empty() ? "" : ": ", message.c_str());
  if (!FailureContext().empty()) {
    std::fprintf(stderr, "kafkasim: this is a bug with a seed: %s\n", FailureContext().c_str());
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace ks
