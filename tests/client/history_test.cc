// Goal: history events carry exactly the documented fields, in order, and ParseHistoryOp reads
// them back (including escapes and null keys/values); events of other kinds are not history.
// Method: a HistoryRecorder over a FakeEnv, then the recorded TraceEvents.
#include "model/client/history.h"

#include <gtest/gtest.h>

#include "model/client/client_events.h"
#include "tests/support/fake_env.h"

namespace ks {
namespace {

using testing::FakeEnv;

TEST(HistoryTest, SendEventsHaveExactlyTheDocumentedFields) {
  FakeEnv env;
  HistoryRecorder history(env, "p1");
  const int64_t op = history.NextOp();
  history.SendInvoke(op, "orders", -1, std::string_view("k1"), "p1-0");
  history.SendComplete(op, HistoryType::kOk, "orders", 2, std::string_view("k1"), "p1-0", 17,
                       ErrorCode::kNone);
  const int64_t op2 = history.NextOp();
  history.SendInvoke(op2, "orders", 1, std::nullopt, "p1-1");
  history.SendComplete(op2, HistoryType::kInfo, "orders", 1, std::nullopt, "p1-1", -1,
                       ErrorCode::kRequestTimedOut);
  ASSERT_EQ(env.events.size(), 4u);
  EXPECT_EQ(env.events[0].kind, "history.op");
  EXPECT_EQ(env.events[0].Json(),
            R"({"op":0,"process":"p1","type":"invoke","f":"send","tp":"orders--1",)"
            R"("key":"k1","value":"p1-0"})");
  EXPECT_EQ(env.events[1].Json(),
            R"({"op":0,"process":"p1","type":"ok","f":"send","tp":"orders-2",)"
            R"("key":"k1","value":"p1-0","offset":17})");
  EXPECT_EQ(env.events[3].Json(),
            R"({"op":1,"process":"p1","type":"info","f":"send","tp":"orders-1",)"
            R"("value":"p1-1","error":"REQUEST_TIMED_OUT"})");

  auto parsed = ParseHistoryOp(env.events[1]);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->op, 0);
  EXPECT_EQ(parsed->process, "p1");
  EXPECT_EQ(parsed->type, HistoryType::kOk);
  EXPECT_EQ(parsed->f, HistoryFunction::kSend);
  EXPECT_EQ(parsed->topic, "orders");
  EXPECT_EQ(parsed->partition, 2);
  EXPECT_EQ(parsed->key, std::optional<std::string>("k1"));
  EXPECT_EQ(parsed->value, "p1-0");
  EXPECT_EQ(parsed->offset, 17);
  auto info = ParseHistoryOp(env.events[3]);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, HistoryType::kInfo);
  EXPECT_FALSE(info->key.has_value());
  EXPECT_EQ(info->error, "REQUEST_TIMED_OUT");
}

TEST(HistoryTest, PollRecordsRoundTrip) {
  FakeEnv env;
  HistoryRecorder history(env, "c1");
  const int64_t op = history.NextOp();
  const std::vector<ev::PolledRecord> records = {
      {.tp = TpRef("orders", 0), .offset = 5, .value = "a\"b\\c\n"},
      {.tp = TpRef("orders", 2), .offset = 9, .value = std::nullopt}};
  history.PollInvoke(op);
  history.PollOk(op, records);
  ASSERT_EQ(env.events.size(), 2u);
  EXPECT_EQ(env.events[0].Json(), R"({"op":0,"process":"c1","type":"invoke","f":"poll"})");
  EXPECT_EQ(
      env.events[1].Json(),
      R"({"op":0,"process":"c1","type":"ok","f":"poll","records":[["orders-0",5,"a\"b\\c\n"],["orders-2",9,null]]})");
  auto parsed = ParseHistoryOp(env.events[1]);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->f, HistoryFunction::kPoll);
  ASSERT_EQ(parsed->records.size(), 2u);
  EXPECT_EQ(parsed->records[0], (HistoryRecord{0, 5, std::string("a\"b\\c\n")}));
  EXPECT_EQ(parsed->records[1], (HistoryRecord{2, 9, std::nullopt}));
}

TEST(HistoryTest, OtherKindsAreNotHistory) {
  FakeEnv env;
  env.Trace(ev::ConsumerError{.client = "c1", .tp = TpRef("orders", 0)});
  ASSERT_EQ(env.events.size(), 1u);
  EXPECT_FALSE(ParseHistoryOp(env.events[0]).has_value());
}

TEST(HistoryTest, NothingIsBuiltWithoutTracing) {
  FakeEnv env;
  env.tracing = false;
  HistoryRecorder history(env, "p");
  history.SendInvoke(history.NextOp(), "t", 0, std::nullopt, "v");
  EXPECT_TRUE(env.events.empty());
  EXPECT_EQ(history.ops(), 1);
}

}  // namespace
}  // namespace ks
