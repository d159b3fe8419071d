// Kafka's protocol error codes, with Kafka's names and numeric values, and KafkaError: a code plus
// a human-readable message, the value every model operation that can fail for a Kafka reason
// returns (a full disk becomes KAFKA_STORAGE_ERROR, a fetch below the log start
// OFFSET_OUT_OF_RANGE). Only the codes the model uses or will soon use are listed; the numbers
// are the wire values of Kafka's protocol, so traces and notebooks can match them with Kafka's
// documentation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "model/env/status.h"

namespace ks {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kInvalidFetchSize = 4,
  kLeaderNotAvailable = 5,
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kBrokerNotAvailable = 8,
  kReplicaNotAvailable = 9,
  kStaleControllerEpoch = 11,
  kMessageTooLarge = 10,
  kNetworkException = 13,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kInvalidTopicException = 17,
  kRecordListTooLarge = 18,
  kNotEnoughReplicas = 19,
  kNotEnoughReplicasAfterAppend = 20,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kUnknownMemberId = 25,
  kRebalanceInProgress = 27,
  kInvalidTimestamp = 32,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidReplicaAssignment = 39,
  kInvalidConfig = 40,
  kNotController = 41,
  kInvalidRequest = 42,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kKafkaStorageError = 56,
  kFencedLeaderEpoch = 74,
  kUnknownLeaderEpoch = 75,
  kUnsupportedCompressionType = 76,
  kStaleBrokerEpoch = 77,
  kOffsetNotAvailable = 78,
  kInvalidRecord = 87,
  kInvalidUpdateVersion = 95,
  kIneligibleReplica = 107,
  kNewLeaderElected = 108,
};

// "OFFSET_OUT_OF_RANGE"; "UNKNOWN_ERROR_CODE" for values outside the enum.
std::string_view ErrorName(ErrorCode code);
// How trace events name an error code (model/env/trace_event.h): its Kafka name.
inline std::string_view TraceName(ErrorCode code) { return ErrorName(code); }

// The I/O outcome of a disk call seen as Kafka sees it: NoSpace and IoError make the log
// directory unusable (KAFKA_STORAGE_ERROR), Corruption is CORRUPT_MESSAGE.
ErrorCode ErrorCodeForStatus(const Status& status);

class KafkaError {
 public:
  KafkaError() = default;
  KafkaError(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static KafkaError None() { return KafkaError(); }
  static KafkaError FromStatus(const Status& status) {
    if (status.ok()) return KafkaError();
    return KafkaError(ErrorCodeForStatus(status), status.ToString());
  }

  bool ok() const { return code_ == ErrorCode::kNone; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OFFSET_OUT_OF_RANGE: fetch offset 3 is below the log start offset 10"
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kNone;
  std::string message_;
};

}  // namespace ks
