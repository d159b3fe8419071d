// ZkServer: a single-node ZooKeeper-like coordination server, the Process of a `zookeeper`
// node. Kafka's brokers and controller reach it through ZkClient (zk_client.h).
//
// Sessions. A client connects with a requested timeout; the server grants one within
// [min_session_timeout_ms, max_session_timeout_ms] (ZooKeeper's defaults: 2 and 20 ticks). Any
// request or ping of the session renews it; every tick the server expires the sessions it has
// not heard from within their timeout: the expiry is a transaction that deletes the session's
// ephemeral nodes and fires the watches on them. Requests of an unknown (expired or closed)
// session are answered SESSIONEXPIRED; a reconnect with its id is told `expired`.
//
// Durability. Every transaction (session created, closed or expired, each write) is appended to
// the transaction log and applied; with forceSync=yes (options.force_sync) nothing that follows
// it leaves the server — no answer, pong or notification, to any client — until an fsync made it
// durable, as ZooKeeper's SyncRequestProcessor does. The fsync is a group commit: it runs once
// the requests that have arrived are processed (or after kMaxGroupCommit transactions), so the
// requests that arrive while one fsync runs share the next one, and a burst of N writes costs a
// few fsyncs, not N (ZooKeeper flushes when its queue is empty or 1 000 requests are pending).
// Nobody can see a transaction that a power loss then takes away. Start() replays the log, dropping
// a torn tail, so persistent and ephemeral nodes and live sessions survive a crash; every recovered
// session gets a fresh timeout window, since its client could not have pinged a dead server. A
// failed log write (full disk, I/O error) stops the server (it answers nothing until restarted), as
// ZooKeeper exits when it cannot log.
//
// Watches live in memory only. A client that reconnects sends its watches again (SetWatches)
// with the last zxid it saw; the ones whose node changed meanwhile fire at once. Notifications
// go to the connection the session last used; with none, they are dropped (and the reconnect
// recovers them).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/coord/zk_protocol.h"
#include "model/coord/zk_tree.h"
#include "model/coord/zk_txn_log.h"
#include "model/env/env.h"

namespace ks {

struct ZkServerOptions {
  // ZooKeeper's tickTime: the unit of session timeouts and the period of expiry checks.
  int32_t tick_ms = 2000;
  // 0: ZooKeeper's defaults, 2 * tick_ms and 20 * tick_ms.
  int32_t min_session_timeout_ms = 0;
  int32_t max_session_timeout_ms = 0;
  // false is zookeeper.forceSync=no: no fsync before answering (acknowledged writes can be lost).
  bool force_sync = true;
  std::string log_file = "zookeeper/txn.log";
  // Limits: sessions held at once (more connect attempts are refused by silence, as a server
  // over maxClientCnxns closes the socket).
  int64_t max_sessions = 100'000;
};

class ZkServer final : public Process {
 public:
  ZkServer(Env& env, ZkServerOptions options);

  void Start() override;
  void OnMessage(NodeId from, MessagePtr message) override;
  void OnConnectionReset(NodeId peer) override;

  // For tests, probes and checkers: the state of this incarnation.
  const ZkTree& tree() const { return tree_; }
  int64_t session_count() const { return static_cast<int64_t>(sessions_.size()); }
  bool HasSession(int64_t session_id) const { return sessions_.count(session_id) != 0; }
  int64_t last_zxid() const { return tree_.last_zxid(); }
  bool halted() const { return halted_; }
  int32_t min_session_timeout_ms() const;
  int32_t max_session_timeout_ms() const;

 private:
  struct Session {
    int32_t timeout_ms = 0;
    NodeId connection = kNoNode;  // where notifications go; kNoNode while disconnected
    TimeUs last_heard_us = 0;
  };

  void HandleConnect(NodeId from, const ZkConnectRequest& request);
  void HandlePing(NodeId from, const ZkPing& ping);
  void HandleRequest(NodeId from, const ZkRequest& request);
  void HandleSetWatches(NodeId from, const ZkSetWatches& request);
  void HandleRead(int64_t session_id, const ZkRequest& request, ZkResult* result);
  void HandleWrite(int64_t session_id, const std::vector<ZkOp>& ops, bool multi, ZkResult* result);
  // Marks the session alive and bound to `from`; false if it does not exist.
  bool Touch(int64_t session_id, NodeId from);
  void ExpireSessions();
  void EndSession(int64_t session_id, bool expired);  // expired, or closed by the client

  // Numbers and logs `txn` (durable when force_sync), then applies it; false if the log failed
  // (the server then halts and nothing changed). The watches it fired go to *fired: the caller
  // sends them after tracing the change itself.
  bool Commit(ZkTxn& txn, std::vector<ZkOpResult>* results, std::vector<ZkFiredWatch>* fired);
  void Apply(const ZkTxn& txn, bool recovering, std::vector<ZkOpResult>* results,
             std::vector<ZkFiredWatch>* fired);
  // The group commit: fsyncs the transactions applied since the last one, then sends what was
  // held back meanwhile, in order.
  void Flush();
  // Sends `message`, or holds it until the pending transactions are durable (force_sync).
  void Emit(NodeId to, MessagePtr message);
  void Notify(const std::vector<ZkFiredWatch>& fired);
  void Respond(NodeId to, int32_t xid, ZkResult result);
  void Halt(const Status& status);
  void Recover();

  Env& env_;
  ZkServerOptions options_;
  ZkTxnLog log_;
  ZkTree tree_;
  std::map<int64_t, Session> sessions_;
  int64_t next_session_id_ = 1;
  bool halted_ = false;
  static constexpr int64_t kMaxGroupCommit = 1000;
  int64_t unflushed_ = 0;  // transactions applied but not yet fsynced (force_sync only)
  bool flush_scheduled_ = false;
  std::vector<std::pair<NodeId, MessagePtr>> held_;  // to send once they are durable
};

}  // namespace ks
