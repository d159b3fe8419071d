// MessageDispatch: which of a node's components handles each type of message the node receives.
//
// A node made of components (a broker: its ZooKeeper client, replica manager, controller...) owns
// one. Each component claims the message types it handles, once, when it is set up
// (Claim<T>(handler)); the node's Process::OnMessage hands every message to Dispatch. So the
// dispatch knows no message type, and a new component (a group or transaction coordinator) adds
// its own types where it is built, without editing the node's OnMessage.
//
// Types are matched exactly, by the tag KS_MESSAGE_TYPE declares (model/env/message.h): one hash
// lookup per message. A handler is called either with the message as its type (NodeId, T&) or,
// for a component that passes ownership on, with the owning pointer (NodeId, MessagePtr&), which
// then holds a T. Nothing here iterates over the handlers, so their order cannot matter.
#pragma once

#include <functional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "model/env/check.h"
#include "model/env/message.h"

namespace ks {

class MessageDispatch {
 public:
  MessageDispatch() = default;
  MessageDispatch(const MessageDispatch&) = delete;
  MessageDispatch& operator=(const MessageDispatch&) = delete;

  // Routes every message of type T to `handler`, invocable as (NodeId, T&) or
  // (NodeId, MessagePtr&). REQUIRES: T declares KS_MESSAGE_TYPE; no component claimed T yet.
  template <typename T, typename Handler>
  void Claim(Handler handler) {
    static_assert(std::is_final_v<T>, "only a final message type may be claimed");
    Handle wrapped;
    if constexpr (std::is_invocable_v<Handler&, NodeId, T&>) {
      wrapped = [handler = std::move(handler)](NodeId from, MessagePtr& message) mutable {
        handler(from, static_cast<T&>(*message));
      };
    } else {
      static_assert(std::is_invocable_v<Handler&, NodeId, MessagePtr&>,
                    "a handler takes (NodeId, T&) or (NodeId, MessagePtr&)");
      wrapped = std::move(handler);
    }
    const bool claimed = handlers_.emplace(&kMessageTypeTag<T>, std::move(wrapped)).second;
    KS_CHECK_MSG(claimed, "a message type claimed twice");
  }

  // Runs the handler of the message's type; false (the message untouched) if none claimed it,
  // or if its type declares no tag.
  bool Dispatch(NodeId from, MessagePtr& message) const {
    if (message == nullptr) return false;
    auto it = handlers_.find(message->TypeTag());
    if (it == handlers_.end()) return false;
    it->second(from, message);
    return true;
  }

 private:
  using Handle = std::function<void(NodeId from, MessagePtr& message)>;
  std::unordered_map<const void*, Handle> handlers_;
};

}  // namespace ks
