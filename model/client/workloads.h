// Workload processes: simulated client nodes that drive a KafkaProducer or KafkaConsumer and
// record every operation in the history (model/client/history.h), for scenarios and checkers.
//
// ProducerWorkload sends `count` records to `topic`: at `rate_per_s` on evenly spaced instants,
// or (rate 0) as fast as the producer accepts with at most `max_outstanding` sends unfinished.
// Keys: `keys` cycled in order (send seq uses keys[seq % size]) when given; else `key_pattern`
// (default "k{n}") with {n} replaced by a number drawn uniformly from 0..key_count-1 with the
// node's "workload" random stream, or by the send's seq when key_count is 0 and a pattern is
// given; else (key_count 0, no pattern) null keys. Values are "<process>-<seq>" padded with '.' to `value_bytes`, so
// every value is unique across the run. A restarted node is a new incarnation (counted in a
// small file on the node's disk): its process name becomes "<client>#<incarnation>" and it
// starts over at seq 0, so values stay unique and its op numbers do not collide.
//
// ConsumerWorkload assigns `partitions` of `topic` (all of them, from metadata, when empty — and
// the new ones when partitions are added), polls continuously, and records each poll that
// returned records as a history op (invoke and ok at the poll's completion).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/client/client_events.h"
#include "model/client/consumer.h"
#include "model/client/history.h"
#include "model/client/producer.h"
#include "model/env/env.h"

namespace ks {

struct ProducerWorkloadOptions {
  std::string client_name = "producer";
  ProducerConfig config;
  std::vector<NodeId> bootstrap;
  std::string topic = "t";
  int64_t count = 0;
  int64_t rate_per_s = 0;          // 0: as fast as the producer accepts
  int32_t key_count = 0;           // 0: null keys (unless keys or key_pattern)
  std::vector<std::string> keys;   // cycled, one per send (a fixed key: one element)
  std::string key_pattern;         // "{n}" replaced (see above); empty: "k{n}" with key_count
  int64_t value_bytes = 0;         // values are padded to this size (never cut)
  int64_t max_outstanding = 1000;  // the cap of unfinished sends when rate_per_s is 0
};

class ProducerWorkload final : public Process {
 public:
  static constexpr const char* kIncarnationFile = "workload.incarnation";

  ProducerWorkload(Env& env, ProducerWorkloadOptions options);
  void Start() override;
  void OnMessage(NodeId from, MessagePtr message) override;
  void OnConnectionReset(NodeId peer) override;

  int64_t sent() const { return sent_; }
  int64_t acked() const { return acked_; }
  int64_t failed() const { return failed_; }
  int64_t info() const { return info_; }
  int64_t outstanding() const { return sent_ - acked_ - failed_ - info_; }
  bool done() const { return sent_ == options_.count && outstanding() == 0; }
  int64_t incarnation() const { return incarnation_; }
  const std::string& process_name() const { return process_name_; }
  KafkaProducer& producer() { return *producer_; }

 private:
  // A send not yet completed. Its value is not kept: it is a function of the sequence number
  // (FormatValue), rebuilt when the completion is traced.
  struct Pending {
    int64_t seq = 0;
    int32_t partition = -1;
    bool done = true;  // completed (or a gap), waiting to leave the front of pending_
    std::optional<std::string> key;
  };

  int64_t LoadIncarnation();
  std::optional<std::string> KeyOf(int64_t seq);  // the key of send `seq` (see the header)
  void SendNext();
  void Fill();
  void ScheduleNextTick();
  void OnResult(int64_t op, const SendResult& result);
  // The value of send `seq` into value_: "<process>-<seq>", padded with '.' to value_bytes.
  void FormatValue(int64_t seq);

  Env& env_;
  ProducerWorkloadOptions options_;
  int64_t incarnation_ = 1;
  std::string process_name_;
  std::unique_ptr<HistoryRecorder> history_;
  std::unique_ptr<KafkaProducer> producer_;
  // Sends by op: pending_[op - first_pending_op_]. Ops are handed out in increasing order; the
  // front is popped as soon as it is done, so the deque spans the oldest incomplete send onward.
  std::deque<Pending> pending_;
  int64_t first_pending_op_ = 0;
  std::string value_;  // scratch for FormatValue
  TimeUs started_at_ = 0;
  int64_t sent_ = 0;
  int64_t acked_ = 0;
  int64_t failed_ = 0;
  int64_t info_ = 0;
};

struct ConsumerWorkloadOptions {
  std::string client_name = "consumer";
  ConsumerConfig config;
  std::vector<NodeId> bootstrap;
  std::string topic = "t";
  std::vector<int32_t> partitions;  // empty: all partitions of the topic
};

class ConsumerWorkload final : public Process {
 public:
  // How often the workload looks for (new) partitions of its topic when assigning all.
  static constexpr DurationUs kAssignmentCheckInterval = 100 * kMillisecond;

  ConsumerWorkload(Env& env, ConsumerWorkloadOptions options);
  void Start() override;
  void OnMessage(NodeId from, MessagePtr message) override;
  void OnConnectionReset(NodeId peer) override;

  int64_t consumed() const { return consumed_; }
  int64_t polls() const { return polls_; }
  int64_t errors() const { return errors_; }
  // Next offset to consume per partition (what the last poll left).
  const std::map<int32_t, int64_t>& positions() const { return positions_; }
  // Sum over assigned partitions of (high watermark - position), as last seen.
  int64_t lag() const;
  KafkaConsumer& consumer() { return *consumer_; }

 private:
  void CheckAssignment();
  void PollLoop();
  void OnPoll(PollResult& result);

  Env& env_;
  ConsumerWorkloadOptions options_;
  std::unique_ptr<HistoryRecorder> history_;
  std::unique_ptr<KafkaConsumer> consumer_;
  size_t assigned_count_ = 0;
  bool polling_ = false;
  std::vector<ev::PolledRecord> polled_;  // a poll's records for the history (reused)
  int64_t consumed_ = 0;
  int64_t polls_ = 0;
  int64_t errors_ = 0;
  std::map<int32_t, int64_t> positions_;
};

}  // namespace ks
