#include "model/env/check.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace ks {

namespace {
thread_local std::string failure_context;
thread_local std::vector<std::function<void()>> failure_hooks;
thread_local bool failing = false;
}  // namespace

ScopedCheckFailureContext::ScopedCheckFailureContext(std::string context)
    : previous_(std::move(failure_context)) {
  failure_context = std::move(context);
}

ScopedCheckFailureContext::~ScopedCheckFailureContext() { failure_context = std::move(previous_); }

ScopedCheckFailureHook::ScopedCheckFailureHook(std::function<void()> hook) {
  failure_hooks.push_back(std::move(hook));
}

ScopedCheckFailureHook::~ScopedCheckFailureHook() { failure_hooks.pop_back(); }

void CheckFailed(const char* condition, const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "kafkasim: invariant broken: %s at %s:%d%s%s\n", condition, file, line,
               message.empty() ? "" : ": ", message.c_str());
  if (!failure_context.empty()) {
    std::fprintf(stderr, "kafkasim: this is a bug with a seed: %s\n", failure_context.c_str());
  }
  std::fflush(stderr);
  if (!failing) {
    failing = true;
    for (auto it = failure_hooks.rbegin(); it != failure_hooks.rend(); ++it) (*it)();
  }
  std::abort();
}

}  // namespace ks
