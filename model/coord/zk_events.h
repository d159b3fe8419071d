// The coordination service's trace events (docs/trace-schema.md, "The coordination service"):
// the server's (node: the zookeeper node) and its embedded client's (node: the broker).
// Session ids are the server's 64-bit ids; `client` and `server` are node ids.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/coord/zk_client.h"
#include "model/coord/zk_protocol.h"
#include "model/env/trace_event.h"

namespace ks {

inline std::string_view TraceName(ZkState state) { return ZkStateName(state); }
inline std::string_view TraceName(ZkWatchType type) { return ZkWatchTypeName(type); }
inline std::string_view TraceName(ZkError error) { return ZkErrorName(error); }

// Why a znode was deleted.
enum class ZkDeleteReason { kRequest, kSessionEnded };
std::string_view TraceName(ZkDeleteReason reason);  // "request", "session_ended"

namespace ev {

// At every start, after replaying the transaction log.
struct ZkRecovered {
  static constexpr std::string_view kName = "zk.recovered";
  int64_t transactions = 0;
  int64_t bytes_dropped = 0;  // the torn or corrupt tail cut off
  int64_t sessions = 0;
  int64_t nodes = 0;
  int64_t last_zxid = 0;
  static void Fields(auto& e, auto& v) {
    v("transactions", e.transactions);
    v("bytes_dropped", e.bytes_dropped);
    v("sessions", e.sessions);
    v("nodes", e.nodes);
    v("last_zxid", e.last_zxid);
  }
};

// A transaction-log write failed: the server stops answering until restarted.
struct ZkHalted {
  static constexpr std::string_view kName = "zk.halted";
  std::string_view error;
  static void Fields(auto& e, auto& v) { v("error", e.error); }
};

struct ZkSessionCreated {
  static constexpr std::string_view kName = "zk.session_created";
  int64_t session = 0;
  int32_t timeout_ms = 0;  // negotiated
  int32_t client = -1;
  static void Fields(auto& e, auto& v) {
    v("session", e.session);
    v("timeout_ms", e.timeout_ms);
    v("client", e.client);
  }
};

// A live session resumed over a new connection.
struct ZkSessionReconnected {
  static constexpr std::string_view kName = "zk.session_reconnected";
  int64_t session = 0;
  int32_t client = -1;
  static void Fields(auto& e, auto& v) {
    v("session", e.session);
    v("client", e.client);
  }
};

// A session ended: expired (nothing heard within its timeout) or closed by its client.
struct ZkSessionEnd {
  int64_t session = 0;
  int64_t ephemerals_deleted = 0;
  int64_t zxid = 0;
  static void Fields(auto& e, auto& v) {
    v("session", e.session);
    v("ephemerals_deleted", e.ephemerals_deleted);
    v("zxid", e.zxid);
  }
};
struct ZkSessionExpired : ZkSessionEnd {
  static constexpr std::string_view kName = "zk.session_expired";
};
struct ZkSessionClosed : ZkSessionEnd {
  static constexpr std::string_view kName = "zk.session_closed";
};

// A znode was created (also each create of a multi).
struct ZkCreate {
  static constexpr std::string_view kName = "zk.create";
  std::string_view path;
  bool ephemeral = false;
  int64_t owner_session = 0;  // 0: persistent
  int64_t zxid = 0;
  static void Fields(auto& e, auto& v) {
    v("path", e.path);
    v("ephemeral", e.ephemeral);
    v("owner_session", e.owner_session);
    v("zxid", e.zxid);
  }
};

struct ZkDelete {
  static constexpr std::string_view kName = "zk.delete";
  std::string_view path;
  int64_t zxid = 0;
  int64_t session = 0;
  ZkDeleteReason reason = ZkDeleteReason::kRequest;
  static void Fields(auto& e, auto& v) {
    v("path", e.path);
    v("zxid", e.zxid);
    v("session", e.session);
    v("reason", e.reason);
  }
};

struct ZkSetData {
  static constexpr std::string_view kName = "zk.set_data";
  std::string_view path;
  int32_t version = 0;  // the new one
  int64_t zxid = 0;
  static void Fields(auto& e, auto& v) {
    v("path", e.path);
    v("version", e.version);
    v("zxid", e.zxid);
  }
};

// A one-shot watch fired; `delivered` is false when its session had no connection.
struct ZkWatchFired {
  static constexpr std::string_view kName = "zk.watch_fired";
  std::string_view path;
  ZkWatchType type = ZkWatchType::kNodeCreated;
  int64_t session = 0;
  bool delivered = false;
  static void Fields(auto& e, auto& v) {
    v("path", e.path);
    v("type", e.type);
    v("session", e.session);
    v("delivered", e.delivered);
  }
};

// The client's state changed.
struct ZkClientState {
  static constexpr std::string_view kName = "zk.client_state";
  ZkState state = ZkState::kConnecting;
  int64_t session = 0;
  int32_t server = -1;
  static void Fields(auto& e, auto& v) {
    v("state", e.state);
    v("session", e.session);
    v("server", e.server);
  }
};

// Nothing heard from the server for 2/3 of the session timeout: the connection is declared lost.
struct ZkClientTimeout {
  static constexpr std::string_view kName = "zk.client_timeout";
  int64_t session = 0;
  int64_t silent_ms = 0;
  static void Fields(auto& e, auto& v) {
    v("session", e.session);
    v("silent_ms", e.silent_ms);
  }
};

}  // namespace ev
}  // namespace ks
