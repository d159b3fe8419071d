#include "model/client/workloads.h"

#include <algorithm>
#include <charconv>

#include "model/client/client_events.h"
#include "model/env/check.h"

namespace ks {

// ---------------------------------------------------------------------------------------------
// ProducerWorkload

ProducerWorkload::ProducerWorkload(Env& env, ProducerWorkloadOptions options)
    : env_(env), options_(std::move(options)) {}

// The incarnation survives crashes in a file of 8 decimal digits: read, increment, fsync. A
// disk error counts as a first incarnation (values would then repeat, which a checker reports).
int64_t ProducerWorkload::LoadIncarnation() {
  Disk& disk = env_.LocalDisk();
  int64_t previous = 0;
  std::string text;
  if (disk.Exists(kIncarnationFile) && disk.Read(kIncarnationFile, 0, 32, &text).ok()) {
    std::from_chars(text.data(), text.data() + text.size(), previous);
  }
  const int64_t incarnation = previous + 1;
  const std::string next = std::to_string(incarnation);
  if (disk.Exists(kIncarnationFile)) disk.Truncate(kIncarnationFile, 0);
  if (disk.Append(kIncarnationFile, next).ok()) disk.Fsync(kIncarnationFile);
  return incarnation;
}

void ProducerWorkload::Start() {
  incarnation_ = LoadIncarnation();
  process_name_ = incarnation_ == 1 ? options_.client_name
                                    : options_.client_name + "#" + std::to_string(incarnation_);
  history_ = std::make_unique<HistoryRecorder>(env_, process_name_);
  producer_ =
      std::make_unique<KafkaProducer>(env_, options_.config, options_.bootstrap, process_name_);
  producer_->Start();
  started_at_ = env_.Now();
  if (options_.rate_per_s > 0) {
    ScheduleNextTick();
  } else {
    Fill();
  }
}

void ProducerWorkload::ScheduleNextTick() {
  if (sent_ >= options_.count) return;
  // Evenly spaced from the start: the n-th send is due at start + n / rate (no drift).
  const TimeUs due = started_at_ + sent_ * kSecond / options_.rate_per_s;
  env_.SetTimer(std::max<DurationUs>(0, due - env_.Now()), [this] {
    SendNext();
    ScheduleNextTick();
  });
}

void ProducerWorkload::Fill() {
  while (sent_ < options_.count && outstanding() < options_.max_outstanding) SendNext();
}

void ProducerWorkload::FormatValue(int64_t seq) {
  value_.assign(process_name_);
  value_.push_back('-');
  char digits[24];
  const auto [end, error] = std::to_chars(digits, digits + sizeof(digits), seq);
  value_.append(digits, end);
  if (static_cast<int64_t>(value_.size()) < options_.value_bytes) {
    value_.resize(static_cast<size_t>(options_.value_bytes), '.');
  }
}

std::optional<std::string> ProducerWorkload::KeyOf(int64_t seq) {
  if (!options_.keys.empty()) {
    return options_.keys[static_cast<size_t>(seq % static_cast<int64_t>(options_.keys.size()))];
  }
  if (options_.key_count == 0 && options_.key_pattern.empty()) return std::nullopt;
  const int64_t n =
      options_.key_count > 0
          ? static_cast<int64_t>(
                env_.Random("workload").Below(static_cast<uint64_t>(options_.key_count)))
          : seq;
  const std::string pattern = options_.key_pattern.empty() ? "k{n}" : options_.key_pattern;
  std::string key;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 3, "{n}") == 0) {
      key += std::to_string(n);
      i += 2;
    } else {
      key.push_back(pattern[i]);
    }
  }
  return key;
}

void ProducerWorkload::SendNext() {
  if (sent_ >= options_.count) return;
  Pending pending;
  pending.seq = sent_++;
  pending.done = false;
  pending.key = KeyOf(pending.seq);
  FormatValue(pending.seq);
  const int64_t op = history_->NextOp();
  std::optional<std::string_view> key;
  if (pending.key.has_value()) key = *pending.key;
  // The callback never runs inside Send, so the invoke below precedes the completion.
  pending.partition = producer_->Send(
      options_.topic, key, value_, [this, op](const SendResult& result) { OnResult(op, result); });
  history_->SendInvoke(op, options_.topic, pending.partition, key, value_);
  if (pending_.empty()) first_pending_op_ = op;
  KS_CHECK(op >= first_pending_op_ + static_cast<int64_t>(pending_.size()));
  while (first_pending_op_ + static_cast<int64_t>(pending_.size()) < op) pending_.emplace_back();
  pending_.push_back(std::move(pending));
}

void ProducerWorkload::OnResult(int64_t op, const SendResult& result) {
  if (op < first_pending_op_ || op >= first_pending_op_ + static_cast<int64_t>(pending_.size())) {
    return;
  }
  Pending& pending = pending_[static_cast<size_t>(op - first_pending_op_)];
  if (pending.done) return;
  pending.done = true;
  HistoryType type = HistoryType::kOk;
  switch (result.outcome) {
    case SendOutcome::kOk:
      type = HistoryType::kOk;
      ++acked_;
      break;
    case SendOutcome::kFailed:
      type = HistoryType::kFail;
      ++failed_;
      break;
    case SendOutcome::kUnknown:
      type = HistoryType::kInfo;
      ++info_;
      break;
  }
  if (env_.Observes<ev::HistoryOp>()) {
    std::optional<std::string_view> key;
    if (pending.key.has_value()) key = *pending.key;
    FormatValue(pending.seq);
    history_->SendComplete(op, type, options_.topic, result.tp.partition, key, value_,
                           result.offset, result.error);
  }
  while (!pending_.empty() && pending_.front().done) {
    pending_.pop_front();
    ++first_pending_op_;
  }
  if (options_.rate_per_s == 0) Fill();
}

void ProducerWorkload::OnMessage(NodeId from, MessagePtr message) {
  if (producer_) producer_->HandleMessage(from, message);
}

void ProducerWorkload::OnConnectionReset(NodeId peer) {
  if (producer_) producer_->HandleConnectionReset(peer);
}

// ---------------------------------------------------------------------------------------------
// ConsumerWorkload

ConsumerWorkload::ConsumerWorkload(Env& env, ConsumerWorkloadOptions options)
    : env_(env), options_(std::move(options)) {}

void ConsumerWorkload::Start() {
  history_ = std::make_unique<HistoryRecorder>(env_, options_.client_name);
  consumer_ = std::make_unique<KafkaConsumer>(env_, options_.config, options_.bootstrap,
                                              options_.client_name);
  consumer_->Start();
  if (!options_.partitions.empty()) {
    std::vector<TopicPartition> assignment;
    for (int32_t p : options_.partitions) assignment.push_back(TopicPartition{options_.topic, p});
    consumer_->Assign(std::move(assignment));
    PollLoop();
    return;
  }
  consumer_->metadata().AddTopic(options_.topic);
  CheckAssignment();
}

void ConsumerWorkload::CheckAssignment() {
  const TopicMetadataView* view = consumer_->metadata().Topic(options_.topic);
  if (view != nullptr && view->partitions.size() > assigned_count_) {
    std::vector<TopicPartition> assignment;
    for (size_t p = 0; p < view->partitions.size(); ++p) {
      assignment.push_back(TopicPartition{options_.topic, static_cast<int32_t>(p)});
    }
    assigned_count_ = assignment.size();
    consumer_->Assign(std::move(assignment));  // kept partitions keep their positions
    PollLoop();
  }
  env_.SetTimer(kAssignmentCheckInterval, [this] { CheckAssignment(); });
}

void ConsumerWorkload::PollLoop() {
  if (polling_) return;
  polling_ = true;
  consumer_->Poll([this](PollResult& result) {
    polling_ = false;
    OnPoll(result);
    PollLoop();
  });
}

void ConsumerWorkload::OnPoll(PollResult& result) {
  ++polls_;
  if (!result.error.ok()) {
    ++errors_;
    env_.Trace(ev::ConsumerError{
        .client = options_.client_name, .tp = result.error_tp, .error = result.error.code()});
  }
  if (result.records.empty()) return;
  consumed_ += static_cast<int64_t>(result.records.size());
  for (const ConsumerRecord& record : result.records) {
    positions_[record.tp.partition] = record.offset + 1;
  }
  if (!env_.Observes<ev::HistoryOp>()) return;
  polled_.clear();
  for (const ConsumerRecord& record : result.records) {
    std::optional<std::string_view> value;
    if (record.value.has_value()) value = *record.value;
    polled_.push_back(ev::PolledRecord{.tp = record.tp, .offset = record.offset, .value = value});
  }
  const int64_t op = history_->NextOp();
  history_->PollInvoke(op);
  history_->PollOk(op, polled_);
}

int64_t ConsumerWorkload::lag() const {
  int64_t lag = 0;
  if (!consumer_) return 0;
  for (const TopicPartition& tp : consumer_->assignment()) {
    const int64_t hw = consumer_->HighWatermark(tp);
    const std::optional<int64_t> position = consumer_->Position(tp);
    if (hw >= 0 && position.has_value() && hw > *position) lag += hw - *position;
  }
  return lag;
}

void ConsumerWorkload::OnMessage(NodeId from, MessagePtr message) {
  if (consumer_) consumer_->HandleMessage(from, message);
}

void ConsumerWorkload::OnConnectionReset(NodeId peer) {
  if (consumer_) consumer_->HandleConnectionReset(peer);
}

}  // namespace ks
