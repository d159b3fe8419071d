#include "model/coord/zk_server.h"

#include <algorithm>
#include <utility>

#include "model/coord/zk_events.h"
#include "model/env/check.h"

namespace ks {

ZkServer::ZkServer(Env& env, ZkServerOptions options)
    : env_(env),
      options_(std::move(options)),
      log_(env.LocalDisk(), options_.log_file, options_.force_sync) {
  KS_CHECK(options_.tick_ms > 0);
  KS_CHECK(min_session_timeout_ms() <= max_session_timeout_ms());
}

int32_t ZkServer::min_session_timeout_ms() const {
  return options_.min_session_timeout_ms > 0 ? options_.min_session_timeout_ms
                                             : 2 * options_.tick_ms;
}

int32_t ZkServer::max_session_timeout_ms() const {
  return options_.max_session_timeout_ms > 0 ? options_.max_session_timeout_ms
                                             : 20 * options_.tick_ms;
}

// --- Lifecycle ------------------------------------------------------------------------------

void ZkServer::Start() {
  Recover();
  if (halted_) return;
  env_.SetTimer(MillisecondsToUs(options_.tick_ms), [this] { ExpireSessions(); });
}

void ZkServer::Recover() {
  ZkReplayStats stats;
  std::vector<ZkFiredWatch> ignored;  // nobody watches yet: watches are not logged
  const Status status = log_.Replay(
      [this, &ignored](const ZkTxn& txn) { Apply(txn, /*recovering=*/true, nullptr, &ignored); },
      &stats);
  if (!status.ok()) {
    Halt(status);
    return;
  }
  // A recovered session's client could not ping a dead server: each gets a whole timeout from
  // now to reconnect, as ZooKeeper's session tracker does after loading its database.
  for (auto& [id, session] : sessions_) {
    session.last_heard_us = env_.Now();
    session.connection = kNoNode;
  }
  // Session ids must not repeat across incarnations even for sessions whose creation was lost
  // with an unsynced log (forceSync=no): like ZooKeeper, start from the clock.
  next_session_id_ = std::max(next_session_id_, env_.WallClockMs() << 12);
  env_.Trace(ev::ZkRecovered{.transactions = stats.transactions,
                             .bytes_dropped = stats.dropped_bytes,
                             .sessions = session_count(),
                             .nodes = tree_.node_count(),
                             .last_zxid = tree_.last_zxid()});
}

void ZkServer::Halt(const Status& status) {
  halted_ = true;
  env_.Trace(ev::ZkHalted{.error = status.ToString()});
}

void ZkServer::OnMessage(NodeId from, MessagePtr message) {
  if (halted_) return;
  Message* raw = message.get();
  if (auto* request = MessageAs<ZkRequest>(raw)) {
    HandleRequest(from, *request);
  } else if (auto* ping = MessageAs<ZkPing>(raw)) {
    HandlePing(from, *ping);
  } else if (auto* connect = MessageAs<ZkConnectRequest>(raw)) {
    HandleConnect(from, *connect);
  } else if (auto* set_watches = MessageAs<ZkSetWatches>(raw)) {
    HandleSetWatches(from, *set_watches);
  }
}

void ZkServer::OnConnectionReset(NodeId peer) {
  // The sessions stay: only their timeout decides their fate. Notifications wait for a reconnect.
  for (auto& [id, session] : sessions_) {
    if (session.connection == peer) session.connection = kNoNode;
  }
}

// --- Sessions -------------------------------------------------------------------------------

void ZkServer::HandleConnect(NodeId from, const ZkConnectRequest& request) {
  auto response = std::make_unique<ZkConnectResponse>();
  if (request.session_id != 0) {
    auto it = sessions_.find(request.session_id);
    if (it == sessions_.end()) {
      response->session_id = request.session_id;
      response->expired = true;
    } else {
      Touch(request.session_id, from);
      // The client sends its watches again (SetWatches) over the new connection.
      tree_.RemoveWatches(request.session_id);
      response->session_id = request.session_id;
      response->session_timeout_ms = it->second.timeout_ms;
      env_.Trace(ev::ZkSessionReconnected{.session = request.session_id, .client = from});
    }
    Emit(from, std::move(response));
    return;
  }
  if (session_count() >= options_.max_sessions) return;
  ZkTxn txn;
  txn.type = ZkTxnType::kCreateSession;
  txn.session_id = next_session_id_;
  txn.session_timeout_ms =
      std::clamp(request.session_timeout_ms, min_session_timeout_ms(), max_session_timeout_ms());
  std::vector<ZkFiredWatch> fired;
  if (!Commit(txn, nullptr, &fired)) return;
  sessions_[txn.session_id].connection = from;
  env_.Trace(ev::ZkSessionCreated{
      .session = txn.session_id, .timeout_ms = txn.session_timeout_ms, .client = from});
  response->session_id = txn.session_id;
  response->session_timeout_ms = txn.session_timeout_ms;
  Emit(from, std::move(response));
}

bool ZkServer::Touch(int64_t session_id, NodeId from) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return false;
  it->second.last_heard_us = env_.Now();
  it->second.connection = from;
  return true;
}

void ZkServer::HandlePing(NodeId from, const ZkPing& ping) {
  auto pong = std::make_unique<ZkPong>();
  pong->session_expired = !Touch(ping.session_id, from);
  pong->zxid = tree_.last_zxid();
  Emit(from, std::move(pong));
}

void ZkServer::ExpireSessions() {
  if (halted_) return;
  std::vector<int64_t> expired;
  for (const auto& [id, session] : sessions_) {
    if (env_.Now() - session.last_heard_us >= MillisecondsToUs(session.timeout_ms)) {
      expired.push_back(id);
    }
  }
  for (int64_t id : expired) {
    if (halted_) return;
    EndSession(id, /*expired=*/true);
  }
  env_.SetTimer(MillisecondsToUs(options_.tick_ms), [this] { ExpireSessions(); });
}

void ZkServer::EndSession(int64_t session_id, bool expired) {
  const std::vector<std::string> ephemerals = tree_.EphemeralsOf(session_id);
  ZkTxn txn;
  txn.type = ZkTxnType::kCloseSession;
  txn.session_id = session_id;
  std::vector<ZkFiredWatch> fired;
  if (!Commit(txn, nullptr, &fired)) return;
  const ev::ZkSessionEnd end{.session = session_id,
                             .ephemerals_deleted = static_cast<int64_t>(ephemerals.size()),
                             .zxid = txn.zxid};
  if (expired) {
    env_.Trace(ev::ZkSessionExpired{end});
  } else {
    env_.Trace(ev::ZkSessionClosed{end});
  }
  for (const std::string& path : ephemerals) {
    env_.Trace(ev::ZkDelete{.path = path,
                            .zxid = txn.zxid,
                            .session = session_id,
                            .reason = ZkDeleteReason::kSessionEnded});
  }
  Notify(fired);
}

// --- Requests -------------------------------------------------------------------------------

void ZkServer::HandleRequest(NodeId from, const ZkRequest& request) {
  ZkResult result;
  if (!Touch(request.session_id, from)) {
    result.error = ZkError::kSessionExpired;
    Respond(from, request.xid, std::move(result));
    return;
  }
  switch (request.op.type) {
    case ZkOpType::kGetData:
    case ZkOpType::kExists:
    case ZkOpType::kGetChildren:
      HandleRead(request.session_id, request, &result);
      break;
    case ZkOpType::kCreate:
    case ZkOpType::kDelete:
    case ZkOpType::kSetData:
      HandleWrite(request.session_id, {request.op}, /*multi=*/false, &result);
      break;
    case ZkOpType::kMulti:
      HandleWrite(request.session_id, request.ops, /*multi=*/true, &result);
      break;
    case ZkOpType::kCloseSession:
      EndSession(request.session_id, /*expired=*/false);
      break;
    case ZkOpType::kCheck:  // only meaningful inside a multi
      result.error = ZkError::kBadArguments;
      break;
  }
  if (halted_) return;  // the log failed: nothing was applied, and a dead server answers nothing
  Respond(from, request.xid, std::move(result));
}

void ZkServer::HandleRead(int64_t session_id, const ZkRequest& request, ZkResult* result) {
  const int64_t watcher = request.op.watch ? session_id : 0;
  switch (request.op.type) {
    case ZkOpType::kGetData:
      result->error = tree_.GetData(request.op.path, watcher, &result->data, &result->stat);
      break;
    case ZkOpType::kExists:
      result->error = tree_.Exists(request.op.path, watcher, &result->stat);
      break;
    case ZkOpType::kGetChildren:
      result->error = tree_.GetChildren(request.op.path, watcher, &result->children, &result->stat);
      break;
    default:
      KS_CHECK_MSG(false, "not a read");
  }
}

void ZkServer::HandleWrite(int64_t session_id, const std::vector<ZkOp>& ops, bool multi,
                           ZkResult* result) {
  // Validate first, log second, apply third: the log only ever holds transactions that succeed,
  // so replaying it reproduces the tree exactly.
  std::vector<ZkOpResult> results;
  ZkTxn txn;
  txn.type = ZkTxnType::kWrite;
  txn.session_id = session_id;
  result->error = tree_.Validate(ops, session_id, &results, &txn.ops);
  if (result->error == ZkError::kOk) {
    std::vector<ZkFiredWatch> fired;
    if (!Commit(txn, &results, &fired)) return;
    Notify(fired);
  }
  if (multi) {
    result->results = std::move(results);
  } else if (!results.empty()) {
    result->path = std::move(results[0].path);
    result->stat = results[0].stat;
  }
}

void ZkServer::HandleSetWatches(NodeId from, const ZkSetWatches& request) {
  if (!Touch(request.session_id, from)) return;
  std::vector<ZkFiredWatch> fired;
  tree_.SetWatches(request.session_id, request.relative_zxid, request.data_watches,
                   request.exist_watches, request.child_watches, &fired);
  Notify(fired);
}

// --- Transactions ---------------------------------------------------------------------------

bool ZkServer::Commit(ZkTxn& txn, std::vector<ZkOpResult>* results,
                      std::vector<ZkFiredWatch>* fired) {
  txn.zxid = tree_.last_zxid() + 1;
  txn.time_ms = env_.WallClockMs();
  const Status status = log_.Append(txn);
  if (!status.ok()) {
    Halt(status);
    return false;
  }
  Apply(txn, /*recovering=*/false, results, fired);
  if (log_.force_sync()) {
    ++unflushed_;
    if (unflushed_ >= kMaxGroupCommit) {
      Flush();
    } else if (!flush_scheduled_) {
      // After every event already queued for this instant: the requests that arrived while the
      // last fsync ran join this group.
      flush_scheduled_ = true;
      env_.SetTimer(0, [this] {
        flush_scheduled_ = false;
        Flush();
      });
    }
  }
  return !halted_;
}

void ZkServer::Flush() {
  if (halted_ || unflushed_ == 0) return;
  const Status status = log_.Sync();
  if (!status.ok()) {
    Halt(status);  // nothing of the group is answered
    held_.clear();
    return;
  }
  unflushed_ = 0;
  std::vector<std::pair<NodeId, MessagePtr>> held = std::move(held_);
  held_.clear();
  for (auto& [to, message] : held) env_.Send(to, std::move(message));
}

void ZkServer::Emit(NodeId to, MessagePtr message) {
  if (unflushed_ > 0) {
    held_.emplace_back(to, std::move(message));
  } else {
    env_.Send(to, std::move(message));
  }
}

void ZkServer::Apply(const ZkTxn& txn, bool recovering, std::vector<ZkOpResult>* results,
                     std::vector<ZkFiredWatch>* fired) {
  const ZkTxnContext context{txn.session_id, txn.zxid, txn.time_ms};
  switch (txn.type) {
    case ZkTxnType::kCreateSession: {
      tree_.AdvanceZxid(txn.zxid);
      Session& session = sessions_[txn.session_id];
      session.timeout_ms = txn.session_timeout_ms;
      session.last_heard_us = env_.Now();
      next_session_id_ = std::max(next_session_id_, txn.session_id + 1);
      return;
    }
    case ZkTxnType::kCloseSession:
      tree_.CloseSession(context, fired);
      sessions_.erase(txn.session_id);
      return;
    case ZkTxnType::kWrite: {
      std::vector<ZkOpResult> local;
      if (results == nullptr) results = &local;
      const ZkError error = tree_.Write(txn.ops, context, results, fired);
      // The transaction was validated against this very tree before it was logged.
      KS_CHECK_MSG(error == ZkError::kOk,
                   "logged transaction failed: " + std::string(ZkErrorName(error)));
      if (recovering) return;
      for (size_t i = 0; i < txn.ops.size(); ++i) {
        const ZkOp& op = txn.ops[i];
        if (op.type == ZkOpType::kCreate) {
          env_.Trace(ev::ZkCreate{.path = op.path,
                                  .ephemeral = op.ephemeral,
                                  .owner_session = op.ephemeral ? txn.session_id : 0,
                                  .zxid = txn.zxid});
        } else if (op.type == ZkOpType::kDelete) {
          env_.Trace(ev::ZkDelete{.path = op.path,
                                  .zxid = txn.zxid,
                                  .session = txn.session_id,
                                  .reason = ZkDeleteReason::kRequest});
        } else if (op.type == ZkOpType::kSetData) {
          env_.Trace(ev::ZkSetData{
              .path = op.path, .version = (*results)[i].stat.version, .zxid = txn.zxid});
        }
      }
      return;
    }
  }
}

void ZkServer::Notify(const std::vector<ZkFiredWatch>& fired) {
  for (const ZkFiredWatch& watch : fired) {
    auto it = sessions_.find(watch.session_id);
    const NodeId to = it == sessions_.end() ? kNoNode : it->second.connection;
    env_.Trace(ev::ZkWatchFired{.path = watch.path,
                                .type = watch.type,
                                .session = watch.session_id,
                                .delivered = to != kNoNode});
    if (to == kNoNode) continue;
    auto event = std::make_unique<ZkWatchEvent>();
    event->type = watch.type;
    event->path = watch.path;
    Emit(to, std::move(event));
  }
}

void ZkServer::Respond(NodeId to, int32_t xid, ZkResult result) {
  auto response = std::make_unique<ZkResponse>();
  response->xid = xid;
  response->zxid = tree_.last_zxid();
  response->result = std::move(result);
  Emit(to, std::move(response));
}

}  // namespace ks
