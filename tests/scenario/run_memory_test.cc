// Goal: a run releases everything it allocated once its runner is gone, so that a process running
// many runs (a sweep over seeds, the viewer's forks, this test suite under LeakSanitizer) does not
// grow. Regression: the runtime checks' tick owned itself through a shared_ptr and was never
// freed, one per run of a Kafka scenario with checks on.
// Method: this test binary counts the blocks allocated by operator new and not yet deleted (it
// replaces the global operator new and delete). A Kafka scenario with runtime checks is loaded and
// run once, so that whatever is allocated once per process exists; then the count before and after
// more runs of it must be the same.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace {
std::atomic<int64_t> live_blocks{0};
}  // namespace

void* operator new(std::size_t size) {
  void* block = std::malloc(size == 0 ? 1 : size);
  if (block == nullptr) throw std::bad_alloc();
  live_blocks.fetch_add(1, std::memory_order_relaxed);
  return block;
}
void operator delete(void* block) noexcept {
  if (block == nullptr) return;
  live_blocks.fetch_sub(1, std::memory_order_relaxed);
  std::free(block);
}
void operator delete(void* block, std::size_t) noexcept { operator delete(block); }

namespace ks {
namespace {

TEST(RunMemoryTest, ARunOfAKafkaScenarioWithChecksReleasesWhatItAllocated) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  const std::unique_ptr<Scenario> scenario = LoadScenarioFile(
      std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/curriculum/replication-acks.yaml", registry);
  RunOptions options;
  options.until_us = 2 * kSecond;  // 20 ticks of the runtime checks (every 100 ms)
  const RunResult first = RunScenario(*scenario, registry, options);
  ASSERT_GT(first.event_count, 1000);

  const int64_t before = live_blocks.load();
  for (int i = 0; i < 3; ++i) RunScenario(*scenario, registry, options);
  EXPECT_EQ(live_blocks.load() - before, 0) << "blocks still allocated after 3 more runs";
}

}  // namespace
}  // namespace ks
