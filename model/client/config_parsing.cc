#include "model/client/config_parsing.h"

#include <charconv>
#include <climits>

#include "model/util/names.h"

namespace ks::client_config {

Status Invalid(std::string_view client_kind, std::string_view name, std::string_view value,
               std::string_view allowed) {
  return Status::InvalidArgument("invalid value '" + std::string(value) + "' for " +
                                 std::string(client_kind) + " config '" + std::string(name) +
                                 "'; allowed: " + std::string(allowed));
}

Status ParseInteger(std::string_view client_kind, std::string_view name, std::string_view value,
                    int64_t min, int64_t max, int64_t* out) {
  int64_t parsed = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, parsed);
  if (value.empty() || ec != std::errc() || ptr != end || parsed < min || parsed > max) {
    std::string allowed = "integers from " + std::to_string(min);
    allowed += max == INT64_MAX ? " up" : " to " + std::to_string(max);
    return Invalid(client_kind, name, value, allowed);
  }
  *out = parsed;
  return Status::Ok();
}

Status ParseInteger32(std::string_view client_kind, std::string_view name, std::string_view value,
                      int64_t min, int64_t max, int32_t* out) {
  int64_t parsed = 0;
  if (Status s = ParseInteger(client_kind, name, value, min, max, &parsed); !s.ok()) return s;
  *out = static_cast<int32_t>(parsed);
  return Status::Ok();
}

Status ParseBoolean(std::string_view client_kind, std::string_view name, std::string_view value,
                    bool* out) {
  if (value == "true") {
    *out = true;
  } else if (value == "false") {
    *out = false;
  } else {
    return Invalid(client_kind, name, value, "true, false");
  }
  return Status::Ok();
}

Status Unknown(std::string_view client_kind, std::string_view name,
               const std::vector<std::string_view>& names) {
  std::string_view closest;
  int best = INT_MAX;
  for (std::string_view candidate : names) {
    const int distance = EditDistance(name, candidate);
    if (distance < best) {
      best = distance;
      closest = candidate;
    }
  }
  return Status::InvalidArgument("unknown " + std::string(client_kind) + " config '" +
                                 std::string(name) + "'; did you mean '" + std::string(closest) +
                                 "'?");
}

}  // namespace ks::client_config
