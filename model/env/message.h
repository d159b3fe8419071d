// Message: what one node sends another over the simulated network.
//
// Messages are C++ objects, not serialized bytes: the network moves ownership from sender to
// receiver. Each message states its size on the wire, which is what bandwidth and byte accounting
// use, and a kind name for traces ("Fetch", "Produce", "Ping").
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

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
  // The concrete type's tag for MessageAs (KS_MESSAGE_TYPE); null if the type declares none.
  virtual const void* TypeTag() const { return nullptr; }
};

using MessagePtr = std::unique_ptr<Message>;

// One distinct address per message type: the tag KS_MESSAGE_TYPE returns.
template <typename T>
inline constexpr char kMessageTypeTag = 0;

// Declares, inside a final message type T, the tag MessageAs compares.
#define KS_MESSAGE_TYPE(T)                                                  \
  const void* TypeTag() const override {                                    \
    static_assert(std::is_final_v<T>, "only a final type may carry a tag"); \
    return &::ks::kMessageTypeTag<T>;                                       \
  }

// The message as a T if T is its concrete type, else null: how a node dispatches what it
// receives. For types with a tag this is one virtual call and a comparison; a dynamic_cast walks
// the class hierarchy's type information, and a broker tries a dozen types per message.
template <typename T>
T* MessageAs(Message* message) {
  static_assert(std::is_final_v<T>, "MessageAs matches exact types: T must be final");
  if (message == nullptr) return nullptr;
  const void* tag = message->TypeTag();
  if (tag == nullptr) return dynamic_cast<T*>(message);  // a type without a tag
  return tag == &kMessageTypeTag<T> ? static_cast<T*>(message) : nullptr;
}

}  // namespace ks
