// Helpers shared by the producer's and the consumer's config parsers: numbers with bounds, and
// the error texts. Every error names the config, the bad value, and what is accepted, as
// Kafka's ConfigException does ("Invalid value x for configuration acks: ...").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/status.h"

namespace ks::client_config {

// InvalidArgument: "invalid value 'x' for producer config 'acks'; allowed: 0, 1, all, -1".
Status Invalid(std::string_view client_kind, std::string_view name, std::string_view value,
               std::string_view allowed);

// Parses a decimal integer in [min, max] into *out.
Status ParseInteger(std::string_view client_kind, std::string_view name, std::string_view value,
                    int64_t min, int64_t max, int64_t* out);
Status ParseInteger32(std::string_view client_kind, std::string_view name, std::string_view value,
                      int64_t min, int64_t max, int32_t* out);
Status ParseBoolean(std::string_view client_kind, std::string_view name, std::string_view value,
                    bool* out);

// InvalidArgument for an unknown name, always suggesting the closest of `names`.
Status Unknown(std::string_view client_kind, std::string_view name,
               const std::vector<std::string_view>& names);

}  // namespace ks::client_config
