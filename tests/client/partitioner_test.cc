// Goal: the partitioner is Kafka's — murmur2 bit-identical to Utils.murmur2 (Kafka's published
// vectors from its UtilsTest), keyed partitions = toPositive(murmur2) % n, null keys sticky until
// a new batch is needed (KIP-480), round-robin and random spread evenly over available
// partitions. Method: direct calls with a seeded Rng.
#include "model/client/partitioner.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ks {
namespace {

TEST(Murmur2Test, MatchesKafkasUtilsTestVectors) {
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  const char abc[] = {'a', 'b', 'c'};
  EXPECT_EQ(Murmur2(std::string_view(abc, 3)), 479470107);
}

TEST(Murmur2Test, CoversEveryTailLength) {
  // Lengths 24..27 exercise the tail switch's four cases (other clients' published vectors,
  // computed with Kafka's algorithm).
  EXPECT_EQ(Murmur2("string-f-24-chars-length"), 124730809);
  EXPECT_EQ(Murmur2("string-fo-25-chars-length"), 1269511650);
  EXPECT_EQ(Murmur2("string-foo-26-chars-length"), 119165628);
  EXPECT_EQ(Murmur2("string-last-27-chars-length"), 1089971754);
  EXPECT_EQ(Murmur2(""), 275646681) << "seed ^ 0, mixed";
}

TEST(PartitionerTest, ToPositiveClearsTheSignBit) {
  EXPECT_EQ(ToPositive(-1), 0x7fffffff);
  EXPECT_EQ(ToPositive(INT32_MIN), 0);
  EXPECT_EQ(ToPositive(5), 5);
}

TEST(PartitionerTest, KeyedRecordsHashWithMurmur2) {
  Rng rng(1);
  Partitioner partitioner(PartitionerKind::kDefault, rng);
  const std::vector<int32_t> available = {0, 1, 2, 3, 4, 5};
  for (const char* key : {"21", "foobar", "k0", "k1", "k17"}) {
    const int32_t expected = ToPositive(Murmur2(key)) % 6;
    EXPECT_EQ(partitioner.Partition("t", std::string_view(key), 6, available), expected) << key;
    EXPECT_EQ(PartitionForKey(key, 6), expected);
  }
  // "foobar": murmur2 -790332482 -> toPositive 1357151166 -> % 6 = 0.
  EXPECT_EQ(PartitionForKey("foobar", 6), 1357151166 % 6);
  // Keys hash over all partitions, available or not (the leader may come back).
  EXPECT_EQ(partitioner.Partition("t", std::string_view("foobar"), 6, std::vector<int32_t>{1}),
            PartitionForKey("foobar", 6));
}

TEST(PartitionerTest, NullKeysStickUntilANewBatchIsNeeded) {
  Rng rng(3);
  Partitioner partitioner(PartitionerKind::kDefault, rng);
  const std::vector<int32_t> available = {0, 1, 2, 3};
  const int32_t first = partitioner.Partition("t", std::nullopt, 4, available);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(partitioner.Partition("t", std::nullopt, 4, available), first);
  EXPECT_TRUE(partitioner.IsSticky(std::nullopt));
  EXPECT_FALSE(partitioner.IsSticky(std::string_view("k")));
  partitioner.OnNewBatch("t", 4, available, first);
  const int32_t second = partitioner.Partition("t", std::nullopt, 4, available);
  EXPECT_NE(second, first) << "a new batch moves to another partition";
  // A stale OnNewBatch (for a partition no longer sticky) changes nothing.
  partitioner.OnNewBatch("t", 4, available, first);
  EXPECT_EQ(partitioner.Partition("t", std::nullopt, 4, available), second);
  // Switches only go to available partitions.
  const std::vector<int32_t> only = {1, 3};
  for (int i = 0; i < 20; ++i) {
    const int32_t current = partitioner.Partition("t", std::nullopt, 4, only);
    partitioner.OnNewBatch("t", 4, only, current);
    const int32_t next = partitioner.Partition("t", std::nullopt, 4, only);
    EXPECT_TRUE(next == 1 || next == 3) << next;
  }
}

TEST(PartitionerTest, StickySwitchesSpreadEvenly) {
  Rng rng(11);
  Partitioner partitioner(PartitionerKind::kUniformSticky, rng);
  EXPECT_TRUE(partitioner.IsSticky(std::string_view("keyed too")));
  const std::vector<int32_t> available = {0, 1, 2, 3, 4};
  std::map<int32_t, int> counts;
  for (int i = 0; i < 5000; ++i) {
    const int32_t p = partitioner.Partition("t", std::string_view("k"), 5, available);
    ++counts[p];
    partitioner.OnNewBatch("t", 5, available, p);
  }
  for (int32_t p : available) {
    EXPECT_GT(counts[p], 800) << p;
    EXPECT_LT(counts[p], 1200) << p;
  }
}

TEST(PartitionerTest, RoundRobinCyclesOverAvailablePartitions) {
  Rng rng(1);
  Partitioner partitioner(PartitionerKind::kRoundRobin, rng);
  std::vector<int32_t> seen;
  for (int i = 0; i < 6; ++i) {
    seen.push_back(
        partitioner.Partition("t", std::string_view("k"), 4, std::vector<int32_t>{0, 2, 3}));
  }
  EXPECT_EQ(seen, (std::vector<int32_t>{0, 2, 3, 0, 2, 3}));
  // Without available partitions, all of them.
  std::set<int32_t> all;
  for (int i = 0; i < 4; ++i) all.insert(partitioner.Partition("u", std::nullopt, 4, {}));
  EXPECT_EQ(all.size(), 4u);
}

TEST(PartitionerTest, RandomIsUniformAndDeterministicPerSeed) {
  Rng rng(5);
  Rng rng_again(5);
  Partitioner partitioner(PartitionerKind::kRandom, rng);
  Partitioner again(PartitionerKind::kRandom, rng_again);
  const std::vector<int32_t> available = {0, 1, 2, 3};
  std::map<int32_t, int> counts;
  for (int i = 0; i < 4000; ++i) {
    const int32_t p = partitioner.Partition("t", std::nullopt, 4, available);
    EXPECT_EQ(p, again.Partition("t", std::nullopt, 4, available));
    ++counts[p];
  }
  for (int32_t p : available) {
    EXPECT_GT(counts[p], 850);
    EXPECT_LT(counts[p], 1150);
  }
}

TEST(PartitionerTest, NamesRoundTrip) {
  for (PartitionerKind kind : {PartitionerKind::kDefault, PartitionerKind::kUniformSticky,
                               PartitionerKind::kRoundRobin, PartitionerKind::kRandom}) {
    EXPECT_EQ(ParsePartitionerName(PartitionerName(kind)), kind);
  }
  EXPECT_EQ(ParsePartitionerName("sticky"), std::nullopt);
}

}  // namespace
}  // namespace ks
