// Message: what one node sends another over the simulated network.
//
// Messages are C++ objects, not serialized bytes: the network moves ownership from sender to
// receiver. Each message states its size on the wire, which is what bandwidth and byte accounting
// use, and a kind name for traces ("Fetch", "Produce", "Ping").
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace ks {

// Identifies a simulated node (a broker, a client, a coordination server...). Dense, from 0.
using NodeId = int32_t;
constexpr NodeId kNoNode = -1;

class Message {
 public:
  virtual ~Message() = default;
  // A short, stable name of the message type, used in traces.
  virtual std::string_view Kind() const = 0;
  // Bytes this message occupies on the wire (headers included).
  virtual int64_t SizeBytes() const = 0;
};

using MessagePtr = std::unique_ptr<Message>;

}  // namespace ks
