// ZkClient: the client side of a coordination session, embedded in another node's Process (a
// broker, the controller) the way Kafka embeds ZooKeeper's client. It is not a Process: the
// owner forwards every message and connection reset to HandleMessage / HandleConnectionReset.
//
// Contract (ZooKeeper's client, as Kafka's ZooKeeperClient sees it):
// - Start() opens a session. Calls are asynchronous; each callback runs exactly once, on this
//   node, from a message or timer of the owner (never inside the call that issued it).
//   Requests issued while not connected wait (at most connection_timeout_ms, then
//   CONNECTIONLOSS) and go out, in order, once connected.
// - Connected, the client pings every third of the negotiated timeout. If it hears nothing from
//   the server for two thirds of it (or the connection resets), the connection is lost: the
//   requests in flight fail with CONNECTIONLOSS (their outcome is unknown: a write may have been
//   applied), the state becomes kDisconnected, and the client keeps reconnecting with the same
//   session. On reconnecting it re-registers its watches (watches whose node changed meanwhile
//   fire at once).
// - If the server answers that the session expired, the state becomes kExpired: ephemeral nodes
//   and watches are gone, pending calls fail with SESSIONEXPIRED, and nothing more happens until
//   the owner calls Reconnect(), which opens a new session (Kafka then re-registers its
//   ephemerals and watches).
// - Watches are one-shot; every event goes to the watch handler, whichever call set it.
// - Callbacks and handlers may issue new calls, but must not destroy the client. Destroying it
//   cancels its timers; pending callbacks are then never called.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/coord/zk_protocol.h"
#include "model/env/env.h"
#include "model/env/message_dispatch.h"

namespace ks {

enum class ZkState {
  kConnecting,  // Start() or Reconnect() called, no session yet
  kConnected,
  kDisconnected,  // the session may still live; the client is reconnecting
  kExpired,       // the session is gone; call Reconnect()
  kClosed,        // Close() called
};
std::string_view ZkStateName(ZkState state);  // "connected", ...

struct ZkClientOptions {
  // Kafka's zookeeper.session.timeout.ms (default 18 s); the server may negotiate it.
  int32_t session_timeout_ms = 18'000;
  // Kafka's zookeeper.connection.timeout.ms (defaults to the session timeout): how long a call
  // waits for a connection before failing with CONNECTIONLOSS.
  int32_t connection_timeout_ms = 18'000;
  // A call in flight longer than this fails with OPERATIONTIMEOUT; 0: never (ZooKeeper's
  // client has no per-request timeout, only the connection's). Checked at every ping.
  int32_t request_timeout_ms = 0;
  // Calls queued or in flight at once; more fail at once with CONNECTIONLOSS.
  int64_t max_pending_requests = 10'000;
};

using ZkCallback = std::function<void(const ZkResult&)>;
using ZkWatchHandler = std::function<void(const ZkWatchEvent&)>;
using ZkStateHandler = std::function<void(ZkState)>;

class ZkClient {
 public:
  ZkClient(Env& env, NodeId server, ZkClientOptions options = {});
  ~ZkClient();
  ZkClient(const ZkClient&) = delete;
  ZkClient& operator=(const ZkClient&) = delete;

  // Opens a new session. REQUIRES: not started yet.
  void Start();
  // Abandons the current session (normally an expired one) and opens a new one.
  void Reconnect();
  // Closes the session: the server deletes its ephemerals at once. Pending calls fail with
  // CONNECTIONLOSS. The client stays closed until Reconnect().
  void Close();

  void Create(std::string path, std::string data, bool ephemeral, ZkCallback callback);
  // Create with ZooKeeper's SEQUENTIAL flag: result.path is the name given.
  void CreateSequential(std::string path, std::string data, bool ephemeral, ZkCallback callback);
  // expected_version -1 (ZkOp::kAnyVersion): any version.
  void Delete(std::string path, int32_t expected_version, ZkCallback callback);
  void SetData(std::string path, std::string data, int32_t expected_version, ZkCallback callback);
  void GetData(std::string path, bool watch, ZkCallback callback);
  // NONODE if missing; with `watch`, the watch is left either way.
  void Exists(std::string path, bool watch, ZkCallback callback);
  void GetChildren(std::string path, bool watch, ZkCallback callback);
  // ops: ZkOp::Check / Create / Delete / SetData, applied all-or-nothing.
  void Multi(std::vector<ZkOp> ops, ZkCallback callback);

  void SetWatchHandler(ZkWatchHandler handler) { watch_handler_ = std::move(handler); }
  // Called on every change to kConnected, kDisconnected, kExpired or kClosed.
  void SetStateHandler(ZkStateHandler handler) { state_handler_ = std::move(handler); }

  // The owner's Process forwards here. True if the message was the coordination service's (it
  // is consumed then).
  bool HandleMessage(NodeId from, MessagePtr& message);
  // Or the owner's dispatch routes the coordination service's messages here.
  void ClaimMessages(MessageDispatch& dispatch);
  void HandleConnectionReset(NodeId peer);

  ZkState state() const { return state_; }
  int64_t session_id() const { return session_id_; }
  // The timeout the server granted (0 before the first connection).
  int32_t negotiated_session_timeout_ms() const { return negotiated_timeout_ms_; }
  int64_t last_zxid_seen() const { return last_zxid_seen_; }
  int64_t pending_requests() const {
    return static_cast<int64_t>(in_flight_.size() + queued_.size());
  }
  NodeId server() const { return server_; }

 private:
  struct Call {
    int32_t xid = 0;
    ZkOp op;
    std::vector<ZkOp> ops;  // multi
    ZkCallback callback;
    TimeUs queued_at_us = 0;
    TimeUs sent_at_us = 0;
  };

  void Submit(ZkOp op, std::vector<ZkOp> ops, ZkCallback callback);
  void SendCall(Call call);
  void SendConnect();
  void OnConnectResponse(const ZkConnectResponse& response);
  void OnResponse(const ZkResponse& response);
  void OnWatchEvent(const ZkWatchEvent& event);
  void Heard();
  void LoseConnection(bool already_reset);
  void AttemptFailed();
  void ScheduleRetry();
  void Expire();
  void SendPing();
  void CheckLiveness();
  void ArmLivenessTimer();
  void RecordWatch(const Call& call, const ZkResult& result);
  // Fails every call in flight (and, if `queued_too`, queued) with `error`.
  void FailCalls(ZkError error, bool queued_too);
  void FailQueuedOlderThan(DurationUs age);
  void FailLater(ZkCallback callback, ZkError error);
  void RunDeferred();
  void CancelTimers();
  // Sets and traces the state; NotifyState then tells the owner, once the client is consistent.
  void EnterState(ZkState state);
  void NotifyState(ZkState state);
  int32_t EffectiveTimeoutMs() const;

  Env& env_;
  NodeId server_;
  ZkClientOptions options_;
  ZkState state_ = ZkState::kConnecting;
  bool started_ = false;
  bool attempt_in_flight_ = false;
  int64_t session_id_ = 0;
  int32_t negotiated_timeout_ms_ = 0;
  int64_t last_zxid_seen_ = 0;
  TimeUs last_heard_us_ = 0;
  int32_t next_xid_ = 1;
  std::map<int32_t, Call> in_flight_;
  std::deque<Call> queued_;
  std::set<std::string> data_watches_;
  std::set<std::string> exist_watches_;
  std::set<std::string> child_watches_;
  std::vector<std::pair<ZkCallback, ZkResult>> deferred_;
  TimerId ping_timer_ = kNoTimer;
  TimerId liveness_timer_ = kNoTimer;  // connected: read timeout; connecting: attempt timeout
  TimerId retry_timer_ = kNoTimer;
  TimerId deferred_timer_ = kNoTimer;
  ZkWatchHandler watch_handler_;
  ZkStateHandler state_handler_;
};

}  // namespace ks
