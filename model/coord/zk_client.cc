#include "model/coord/zk_client.h"

#include <algorithm>

#include "model/coord/zk_events.h"
#include "model/env/check.h"

namespace ks {

std::string_view ZkStateName(ZkState state) {
  switch (state) {
    case ZkState::kConnecting:
      return "connecting";
    case ZkState::kConnected:
      return "connected";
    case ZkState::kDisconnected:
      return "disconnected";
    case ZkState::kExpired:
      return "expired";
    case ZkState::kClosed:
      return "closed";
  }
  return "unknown";
}

ZkClient::ZkClient(Env& env, NodeId server, ZkClientOptions options)
    : env_(env), server_(server), options_(options) {
  KS_CHECK(options_.session_timeout_ms > 0);
}

ZkClient::~ZkClient() { CancelTimers(); }

void ZkClient::CancelTimers() {
  for (TimerId* timer : {&ping_timer_, &liveness_timer_, &retry_timer_, &deferred_timer_}) {
    if (*timer != kNoTimer) env_.CancelTimer(*timer);
    *timer = kNoTimer;
  }
}

int32_t ZkClient::EffectiveTimeoutMs() const {
  return negotiated_timeout_ms_ > 0 ? negotiated_timeout_ms_ : options_.session_timeout_ms;
}

void ZkClient::EnterState(ZkState state) {
  state_ = state;
  env_.Trace(ev::ZkClientState{.state = state, .session = session_id_, .server = server_});
}

void ZkClient::NotifyState(ZkState state) {
  // Only if no callback moved the client on meanwhile (say, to Reconnect()).
  if (state_ == state && state_handler_) state_handler_(state);
}

// --- Session lifecycle ----------------------------------------------------------------------

void ZkClient::Start() {
  KS_CHECK_MSG(!started_, "ZkClient::Start called twice");
  started_ = true;
  SendConnect();
}

void ZkClient::Reconnect() {
  started_ = true;
  CancelTimers();
  FailCalls(ZkError::kConnectionLoss, /*queued_too=*/false);
  session_id_ = 0;
  negotiated_timeout_ms_ = 0;
  data_watches_.clear();
  exist_watches_.clear();
  child_watches_.clear();
  // The old session's connection may still carry its messages: start from a clean one.
  env_.ResetConnection(server_);
  EnterState(ZkState::kConnecting);
  ScheduleRetry();  // after a backoff, past the echo of our own reset
}

void ZkClient::Close() {
  if (state_ == ZkState::kConnected) {
    auto request = std::make_unique<ZkRequest>();
    request->session_id = session_id_;
    request->xid = next_xid_++;
    request->op.type = ZkOpType::kCloseSession;
    env_.Send(server_, std::move(request));
  }
  CancelTimers();
  attempt_in_flight_ = false;
  EnterState(ZkState::kClosed);
  FailCalls(ZkError::kConnectionLoss, /*queued_too=*/true);
  NotifyState(ZkState::kClosed);
}

void ZkClient::SendConnect() {
  attempt_in_flight_ = true;
  auto request = std::make_unique<ZkConnectRequest>();
  request->session_id = session_id_;
  request->session_timeout_ms = options_.session_timeout_ms;
  request->last_zxid_seen = last_zxid_seen_;
  env_.Send(server_, std::move(request));
  // ZooKeeper waits sessionTimeout / number-of-servers for a connection; a third keeps a
  // reconnect well inside the fresh window a restarted server grants.
  const int32_t attempt_timeout_ms = std::max(1, EffectiveTimeoutMs() / 3);
  liveness_timer_ = env_.SetTimer(MillisecondsToUs(attempt_timeout_ms), [this] {
    liveness_timer_ = kNoTimer;
    AttemptFailed();
  });
}

void ZkClient::OnConnectResponse(const ZkConnectResponse& response) {
  if (!attempt_in_flight_) return;  // a stale answer to an abandoned attempt
  attempt_in_flight_ = false;
  if (liveness_timer_ != kNoTimer) env_.CancelTimer(liveness_timer_);
  liveness_timer_ = kNoTimer;
  if (response.expired) {
    Expire();
    return;
  }
  session_id_ = response.session_id;
  negotiated_timeout_ms_ = response.session_timeout_ms;
  last_heard_us_ = env_.Now();
  EnterState(ZkState::kConnected);
  if (!data_watches_.empty() || !exist_watches_.empty() || !child_watches_.empty()) {
    auto set_watches = std::make_unique<ZkSetWatches>();
    set_watches->session_id = session_id_;
    set_watches->relative_zxid = last_zxid_seen_;
    set_watches->data_watches.assign(data_watches_.begin(), data_watches_.end());
    set_watches->exist_watches.assign(exist_watches_.begin(), exist_watches_.end());
    set_watches->child_watches.assign(child_watches_.begin(), child_watches_.end());
    env_.Send(server_, std::move(set_watches));
  }
  std::deque<Call> queued = std::move(queued_);
  queued_.clear();
  for (Call& call : queued) SendCall(std::move(call));
  ArmLivenessTimer();
  ping_timer_ = env_.SetTimer(MillisecondsToUs(std::max(1, negotiated_timeout_ms_ / 3)),
                              [this] { SendPing(); });
  NotifyState(ZkState::kConnected);
}

void ZkClient::AttemptFailed() {
  attempt_in_flight_ = false;
  FailQueuedOlderThan(MillisecondsToUs(options_.connection_timeout_ms));
  env_.ResetConnection(server_);
  ScheduleRetry();
}

void ZkClient::ScheduleRetry() {
  // A short random backoff, as ZooKeeper's client sleeps before reconnecting; it also lets the
  // echo of our own ResetConnection arrive before the next attempt.
  const int64_t backoff_ms_max = std::clamp<int64_t>(EffectiveTimeoutMs() / 10, 1, 1000);
  const int64_t backoff_ms = env_.Random("zk_client").Between(1, backoff_ms_max);
  retry_timer_ = env_.SetTimer(MillisecondsToUs(backoff_ms), [this] {
    retry_timer_ = kNoTimer;
    SendConnect();
  });
}

void ZkClient::LoseConnection(bool already_reset) {
  CancelTimers();
  attempt_in_flight_ = false;
  if (!already_reset) env_.ResetConnection(server_);
  EnterState(ZkState::kDisconnected);
  ScheduleRetry();
  FailCalls(ZkError::kConnectionLoss, /*queued_too=*/false);
  NotifyState(ZkState::kDisconnected);
}

void ZkClient::Expire() {
  CancelTimers();
  attempt_in_flight_ = false;
  data_watches_.clear();
  exist_watches_.clear();
  child_watches_.clear();
  EnterState(ZkState::kExpired);
  FailCalls(ZkError::kSessionExpired, /*queued_too=*/true);
  NotifyState(ZkState::kExpired);
}

void ZkClient::HandleConnectionReset(NodeId peer) {
  if (peer != server_) return;
  if (state_ == ZkState::kConnected) {
    LoseConnection(/*already_reset=*/true);
  } else if (attempt_in_flight_) {
    if (liveness_timer_ != kNoTimer) env_.CancelTimer(liveness_timer_);
    liveness_timer_ = kNoTimer;
    attempt_in_flight_ = false;
    ScheduleRetry();
  }
  // Otherwise it is the echo of a reset we made, or we are already waiting to retry.
}

// --- Liveness -------------------------------------------------------------------------------

void ZkClient::Heard() { last_heard_us_ = env_.Now(); }

void ZkClient::ArmLivenessTimer() {
  // ZooKeeper's read timeout: two thirds of the session timeout without a byte from the server.
  const TimeUs deadline = last_heard_us_ + MillisecondsToUs(negotiated_timeout_ms_) * 2 / 3;
  liveness_timer_ = env_.SetTimer(std::max<DurationUs>(0, deadline - env_.Now()), [this] {
    liveness_timer_ = kNoTimer;
    CheckLiveness();
  });
}

void ZkClient::CheckLiveness() {
  if (state_ != ZkState::kConnected) return;
  const TimeUs deadline = last_heard_us_ + MillisecondsToUs(negotiated_timeout_ms_) * 2 / 3;
  if (env_.Now() >= deadline) {
    env_.Trace(ev::ZkClientTimeout{.session = session_id_,
                                   .silent_ms = (env_.Now() - last_heard_us_) / kMillisecond});
    LoseConnection(/*already_reset=*/false);
    return;
  }
  ArmLivenessTimer();
}

void ZkClient::SendPing() {
  ping_timer_ = kNoTimer;
  if (state_ != ZkState::kConnected) return;
  auto ping = std::make_unique<ZkPing>();
  ping->session_id = session_id_;
  env_.Send(server_, std::move(ping));
  if (options_.request_timeout_ms > 0) {
    const TimeUs oldest = env_.Now() - MillisecondsToUs(options_.request_timeout_ms);
    std::vector<int32_t> late;
    for (const auto& [xid, call] : in_flight_) {
      if (call.sent_at_us <= oldest) late.push_back(xid);
    }
    for (int32_t xid : late) {
      Call call = std::move(in_flight_.at(xid));
      in_flight_.erase(xid);
      ZkResult result;
      result.error = ZkError::kOperationTimeout;
      call.callback(result);
    }
  }
  if (state_ != ZkState::kConnected) return;
  ping_timer_ = env_.SetTimer(MillisecondsToUs(std::max(1, negotiated_timeout_ms_ / 3)),
                              [this] { SendPing(); });
}

// --- Calls ----------------------------------------------------------------------------------

void ZkClient::Create(std::string path, std::string data, bool ephemeral, ZkCallback callback) {
  Submit(ZkOp::Create(std::move(path), std::move(data), ephemeral), {}, std::move(callback));
}

void ZkClient::CreateSequential(std::string path, std::string data, bool ephemeral,
                                ZkCallback callback) {
  Submit(ZkOp::Create(std::move(path), std::move(data), ephemeral, /*sequential=*/true), {},
         std::move(callback));
}

void ZkClient::Delete(std::string path, int32_t expected_version, ZkCallback callback) {
  Submit(ZkOp::Delete(std::move(path), expected_version), {}, std::move(callback));
}

void ZkClient::SetData(std::string path, std::string data, int32_t expected_version,
                       ZkCallback callback) {
  Submit(ZkOp::SetData(std::move(path), std::move(data), expected_version), {},
         std::move(callback));
}

void ZkClient::GetData(std::string path, bool watch, ZkCallback callback) {
  ZkOp op;
  op.type = ZkOpType::kGetData;
  op.path = std::move(path);
  op.watch = watch;
  Submit(std::move(op), {}, std::move(callback));
}

void ZkClient::Exists(std::string path, bool watch, ZkCallback callback) {
  ZkOp op;
  op.type = ZkOpType::kExists;
  op.path = std::move(path);
  op.watch = watch;
  Submit(std::move(op), {}, std::move(callback));
}

void ZkClient::GetChildren(std::string path, bool watch, ZkCallback callback) {
  ZkOp op;
  op.type = ZkOpType::kGetChildren;
  op.path = std::move(path);
  op.watch = watch;
  Submit(std::move(op), {}, std::move(callback));
}

void ZkClient::Multi(std::vector<ZkOp> ops, ZkCallback callback) {
  ZkOp op;
  op.type = ZkOpType::kMulti;
  Submit(std::move(op), std::move(ops), std::move(callback));
}

void ZkClient::Submit(ZkOp op, std::vector<ZkOp> ops, ZkCallback callback) {
  KS_CHECK(callback != nullptr);
  if (state_ == ZkState::kExpired || state_ == ZkState::kClosed) {
    FailLater(std::move(callback),
              state_ == ZkState::kExpired ? ZkError::kSessionExpired : ZkError::kConnectionLoss);
    return;
  }
  if (pending_requests() >= options_.max_pending_requests) {
    FailLater(std::move(callback), ZkError::kConnectionLoss);
    return;
  }
  Call call;
  call.xid = next_xid_++;
  call.op = std::move(op);
  call.ops = std::move(ops);
  call.callback = std::move(callback);
  call.queued_at_us = env_.Now();
  if (state_ == ZkState::kConnected) {
    SendCall(std::move(call));
  } else {
    queued_.push_back(std::move(call));
  }
}

void ZkClient::SendCall(Call call) {
  auto request = std::make_unique<ZkRequest>();
  request->session_id = session_id_;
  request->xid = call.xid;
  request->op = call.op;
  request->ops = call.ops;
  env_.Send(server_, std::move(request));
  call.sent_at_us = env_.Now();
  const int32_t xid = call.xid;
  in_flight_.emplace(xid, std::move(call));
}

void ZkClient::OnResponse(const ZkResponse& response) {
  last_zxid_seen_ = std::max(last_zxid_seen_, response.zxid);
  auto it = in_flight_.find(response.xid);
  if (it == in_flight_.end()) return;  // failed already (timed out)
  Call call = std::move(it->second);
  in_flight_.erase(it);
  RecordWatch(call, response.result);
  call.callback(response.result);
  if (response.result.error == ZkError::kSessionExpired && state_ == ZkState::kConnected) {
    Expire();
  }
}

void ZkClient::RecordWatch(const Call& call, const ZkResult& result) {
  if (!call.op.watch) return;
  const std::string& path = call.op.path;
  switch (call.op.type) {
    case ZkOpType::kGetData:
      if (result.ok()) data_watches_.insert(path);
      break;
    case ZkOpType::kExists:
      if (result.ok()) data_watches_.insert(path);
      if (result.error == ZkError::kNoNode) exist_watches_.insert(path);
      break;
    case ZkOpType::kGetChildren:
      if (result.ok()) child_watches_.insert(path);
      break;
    default:
      break;
  }
}

void ZkClient::OnWatchEvent(const ZkWatchEvent& event) {
  if (event.type != ZkWatchType::kNodeChildrenChanged) {
    data_watches_.erase(event.path);
    exist_watches_.erase(event.path);
  }
  if (event.type == ZkWatchType::kNodeChildrenChanged || event.type == ZkWatchType::kNodeDeleted) {
    child_watches_.erase(event.path);
  }
  if (watch_handler_) watch_handler_(event);
}

void ZkClient::FailCalls(ZkError error, bool queued_too) {
  // Moved out first: a callback may issue new calls, which must not be failed with these.
  std::map<int32_t, Call> in_flight = std::move(in_flight_);
  in_flight_.clear();
  std::deque<Call> queued;
  if (queued_too) {
    queued = std::move(queued_);
    queued_.clear();
  }
  ZkResult result;
  result.error = error;
  for (auto& [xid, call] : in_flight) call.callback(result);
  for (Call& call : queued) call.callback(result);
}

void ZkClient::FailQueuedOlderThan(DurationUs age) {
  std::vector<Call> late;
  while (!queued_.empty() && env_.Now() - queued_.front().queued_at_us >= age) {
    late.push_back(std::move(queued_.front()));
    queued_.pop_front();
  }
  ZkResult result;
  result.error = ZkError::kConnectionLoss;
  for (Call& call : late) call.callback(result);
}

void ZkClient::FailLater(ZkCallback callback, ZkError error) {
  ZkResult result;
  result.error = error;
  deferred_.emplace_back(std::move(callback), std::move(result));
  if (deferred_timer_ == kNoTimer) {
    deferred_timer_ = env_.SetTimer(0, [this] { RunDeferred(); });
  }
}

void ZkClient::RunDeferred() {
  deferred_timer_ = kNoTimer;
  auto deferred = std::move(deferred_);
  deferred_.clear();
  for (auto& [callback, result] : deferred) callback(result);
}

// --- Messages -------------------------------------------------------------------------------

void ZkClient::ClaimMessages(MessageDispatch& dispatch) {
  auto handle = [this](NodeId from, MessagePtr& message) { HandleMessage(from, message); };
  dispatch.Claim<ZkResponse>(handle);
  dispatch.Claim<ZkWatchEvent>(handle);
  dispatch.Claim<ZkPong>(handle);
  dispatch.Claim<ZkConnectResponse>(handle);
}

bool ZkClient::HandleMessage(NodeId from, MessagePtr& message) {
  Message* raw = message.get();
  if (auto* response = MessageAs<ZkResponse>(raw)) {
    if (from == server_ && state_ == ZkState::kConnected) {
      Heard();
      OnResponse(*response);
    }
  } else if (auto* event = MessageAs<ZkWatchEvent>(raw)) {
    if (from == server_ && state_ == ZkState::kConnected) {
      Heard();
      OnWatchEvent(*event);
    }
  } else if (auto* pong = MessageAs<ZkPong>(raw)) {
    if (from == server_ && state_ == ZkState::kConnected) {
      Heard();
      last_zxid_seen_ = std::max(last_zxid_seen_, pong->zxid);
      if (pong->session_expired) Expire();
    }
  } else if (auto* connect = MessageAs<ZkConnectResponse>(raw)) {
    if (from == server_) OnConnectResponse(*connect);
  } else {
    return false;
  }
  message.reset();
  return true;
}

}  // namespace ks
