// ConfigDef: the part of Kafka's ConfigDef every kafkasim config needs — a config's text parsed as
// one of Kafka's types (INT, SHORT, LONG, DOUBLE, BOOLEAN, a string out of a list) within Kafka's
// bounds (Range.atLeast, Range.between, ValidString.in), failing with the message Kafka's
// ConfigException gives, so a student reads the error Kafka would print:
//   Invalid value 13 for configuration segment.bytes: Value must be at least 14
//   Invalid value 3000000000 for configuration segment.bytes: Not a number of type INT
//   Invalid value compcat for configuration cleanup.policy: String must be one of: compact, delete
// Where kafkasim bounds a value that Kafka leaves open (to what the simulation can hold), the
// bound's reason follows the message in parentheses, so it is never mistaken for Kafka's.
//
// The broker, topic, log, producer and consumer configs all parse through these functions; each
// value is parsed once, into a typed config struct, and nothing reads the text again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/status.h"

namespace ks::config {

// The largest duration, in ms, a config may give where it becomes simulated time (a timer, a
// deadline): 10^12 ms, about 31 years. Kafka takes any LONG; the simulated clock counts
// microseconds in 64 bits, and an instant past it would wrap around.
inline constexpr int64_t kMaxDurationMs = 1000000000000;
inline constexpr std::string_view kMaxDurationReason =
    "kafkasim: a duration must fit the simulated clock, which counts microseconds in 64 bits";

// ConfigException(name, value, message): "Invalid value V for configuration N: message".
Status Invalid(std::string_view name, std::string_view value, std::string_view message);

// Kafka's INT, SHORT and LONG: a decimal integer of the type's range (Kafka trims spaces first),
// else "Not a number of type INT"; then within [min, max] ("Value must be at least MIN", "Value
// must be no more than MAX"). `max_reason`, when given, says why MAX is kafkasim's own bound.
Status ParseInt(std::string_view name, std::string_view value, int32_t min, int32_t max,
                int32_t* out, std::string_view max_reason = {});
Status ParseShort(std::string_view name, std::string_view value, int16_t min, int16_t max,
                  int16_t* out, std::string_view max_reason = {});
Status ParseLong(std::string_view name, std::string_view value, int64_t min, int64_t max,
                 int64_t* out, std::string_view max_reason = {});
// Kafka's LONG counting milliseconds (or units of `unit_ms`: 1000 for seconds) that become
// simulated time: at least `min`, at most kMaxDurationMs (kafkasim's bound, said so).
Status ParseDurationMs(std::string_view name, std::string_view value, int64_t min, int64_t* out,
                       int64_t unit_ms = 1);
// Kafka's DOUBLE within [min, max].
Status ParseDouble(std::string_view name, std::string_view value, double min, double max,
                   double* out);
// Kafka's BOOLEAN: true or false, in any case.
Status ParseBoolean(std::string_view name, std::string_view value, bool* out);
// ValidString.in(choices): *index is the position of `value` in `choices`.
Status ParseChoice(std::string_view name, std::string_view value,
                   const std::vector<std::string_view>& choices, size_t* index);

// An unknown name: "Unknown <what> config name: N", with the closest of `names` when one is a
// plausible misspelling (" (did you mean 'M'?)"). Kafka's own text for topics is
// "Unknown topic config name: N".
Status Unknown(std::string_view what, std::string_view name,
               const std::vector<std::string_view>& names);

// `text` without leading and trailing spaces, as Kafka's parseType trims.
std::string_view Trim(std::string_view text);

}  // namespace ks::config
