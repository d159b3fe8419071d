// Goal: Generation's guard runs a callback only while the generation it was made in is current,
// whatever the callback's arguments, and holds for every copy of the guarded callable.
// Method: guards made before and after Advance(), called directly, through std::function and
// through a copy, counting the calls that got through.
#include "model/env/generation.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace ks {
namespace {

TEST(GenerationTest, AGuardRunsWhileItsGenerationIsCurrent) {
  Generation generation;
  int calls = 0;
  auto guarded = generation.Guard([&] { ++calls; });
  guarded();
  guarded();
  EXPECT_EQ(calls, 2);
}

TEST(GenerationTest, AdvanceMakesEveryOlderGuardInert) {
  Generation generation;
  int calls = 0;
  auto older = generation.Guard([&] { ++calls; });
  std::function<void()> copy = older;
  generation.Advance();
  older();
  copy();
  EXPECT_EQ(calls, 0);
  auto newer = generation.Guard([&] { ++calls; });
  newer();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(generation.value(), 1u);
}

TEST(GenerationTest, ArgumentsArePassedOnOrDropped) {
  Generation generation;
  std::string seen;
  std::function<void(const std::string&, int)> guarded =
      generation.Guard([&](const std::string& text, int n) { seen += text + std::to_string(n); });
  guarded("a", 1);
  generation.Advance();
  guarded("b", 2);
  EXPECT_EQ(seen, "a1");
}

}  // namespace
}  // namespace ks
