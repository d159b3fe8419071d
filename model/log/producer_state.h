// The producer-state seam of a Log: where the log tells the bookkeeping of producers (Kafka's
// ProducerStateManager: per producer id its epoch, last sequences and last offsets, which
// idempotent and transactional producers rely on) about every batch it appends, recovers or
// truncates away. Nothing keeps producer state yet: every log uses NoProducerState. Idempotence
// fills the seam in; the log's side of it is in place, so the calls come at Kafka's points:
//
// - OnAppend: each batch of an append, in order, after the batches passed the log's validation
//   and (as leader) got their offsets and leader epoch, before any byte is written. An error
//   refuses the whole append (nothing is written): the leader's duplicate and out-of-order
//   sequence checks go here (Kafka's analyzeAndValidateProducerState). A failed write afterwards
//   takes the log offline, and reopening it recovers, so state kept from here is never relied on
//   past a failed write.
// - OnRecoveredBatch: each batch the log keeps when it opens, oldest first, from the same scans
//   that check the segments (no extra read): Kafka rebuilds producer state from the log this way.
// - OnTruncate: every batch at or above `from_offset` is gone — a follower's truncation, a
//   segment whose recovery starts over (with the segment's base), a full truncation (from 0).
//
// Batches without a producer id (producerId -1) carry no producer state; they are passed all the
// same so that an implementation sees the log's offsets move. Not reported yet (idempotence will
// need them): the log start offset moving (retention, DeleteRecords; Kafka's
// onLogStartOffsetIncremented) and compaction, which in Kafka keeps each producer's last batch.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/kafka/errors.h"
#include "model/log/record_batch.h"

namespace ks {

// Who asks for an append, as Kafka's AppendOrigin: a leader's append from a client or from a
// coordinator (the group and transaction coordinators write their own topics), or a follower's
// append of what it replicated (whose producer state the leader already checked).
enum class AppendOrigin : int8_t { kClient, kCoordinator, kReplication };
std::string_view AppendOriginName(AppendOrigin origin);

class ProducerStateObserver {
 public:
  virtual ~ProducerStateObserver() = default;
  virtual KafkaError OnAppend(const BatchHeader& batch, AppendOrigin origin) = 0;
  virtual void OnRecoveredBatch(const BatchHeader& batch) = 0;
  virtual void OnTruncate(int64_t from_offset) = 0;
};

// Keeps no producer state: every append is accepted.
class NoProducerState final : public ProducerStateObserver {
 public:
  KafkaError OnAppend(const BatchHeader&, AppendOrigin) override { return KafkaError::None(); }
  void OnRecoveredBatch(const BatchHeader&) override {}
  void OnTruncate(int64_t) override {}
};

}  // namespace ks
