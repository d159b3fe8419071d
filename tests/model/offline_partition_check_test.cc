// Goal: the offline_partition check (model/check/checkers.h) reports a partition without a leader
// when a broker could lead it (an ISR or ELR member), and only then: KIP-966's partition with an
// empty ISR and ELR stays offline in Kafka too.
// Method: partition states as the final check reads them from ZooKeeper; the caller's judgement
// that the cluster is settled is the scenario tests' (tests/scenario/retry_backoff_test.cc).
#include <gtest/gtest.h>

#include "model/check/checkers.h"

namespace ks {
namespace {

TEST(OfflinePartitionCheckTest, ALeaderlessPartitionWithAnEligibleBrokerIsAViolation) {
  const std::vector<PartitionLeadership> partitions = {
      {{"orders", 0}, 2, 3, {2, 3, 1}, {}},         // led
      {{"orders", 1}, kNoBroker, 4, {3}, {}},       // offline, b3 in the ISR: violation
      {{"orders", 2}, kNoBroker, 5, {}, {1}},       // offline, b1 eligible (ELR): violation
      {{"orders", 3}, kNoBroker, 6, {}, {}},        // offline, nobody eligible: Kafka's outcome
  };
  const std::vector<Violation> violations = CheckOfflinePartitions(partitions, 42);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].checker, Checker::kOfflinePartition);
  EXPECT_EQ(violations[0].tp, (TopicPartition{"orders", 1}));
  EXPECT_EQ(violations[0].replicas, std::vector<BrokerId>{3});
  EXPECT_EQ(violations[0].time_us, 42);
  EXPECT_NE(violations[0].detail.find("leader epoch 4, ISR [3]"), std::string::npos)
      << violations[0].detail;
  EXPECT_EQ(violations[1].tp, (TopicPartition{"orders", 2}));
  EXPECT_EQ(CheckerName(Checker::kOfflinePartition), "offline_partition");
  EXPECT_EQ(ParseCheckerName("offline_partition"), Checker::kOfflinePartition);
}

}  // namespace
}  // namespace ks
