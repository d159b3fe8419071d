// Goal: MessageDispatch hands each message to the one handler that claimed its exact type — as
// the typed message or as the owning pointer — reports the ones nobody claimed without touching
// them, and refuses a type claimed twice.
// Method: three small message types (one without a tag) and handlers that record what they got.
#include "model/env/message_dispatch.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace ks {
namespace {

struct Hello final : Message {
  std::string text;
  std::string_view Kind() const override { return "Hello"; }
  int64_t SizeBytes() const override { return 8; }
  KS_MESSAGE_TYPE(Hello)
};
struct Bye final : Message {
  std::string_view Kind() const override { return "Bye"; }
  int64_t SizeBytes() const override { return 8; }
  KS_MESSAGE_TYPE(Bye)
};
struct Untagged final : Message {
  std::string_view Kind() const override { return "Untagged"; }
  int64_t SizeBytes() const override { return 8; }
};

TEST(MessageDispatchTest, EachTypeGoesToTheHandlerThatClaimedIt) {
  MessageDispatch dispatch;
  std::string log;
  dispatch.Claim<Hello>([&](NodeId from, Hello& hello) {
    log += "hello " + hello.text + " from " + std::to_string(from) + ";";
  });
  dispatch.Claim<Bye>([&](NodeId from, Bye&) { log += "bye from " + std::to_string(from) + ";"; });
  auto hello = std::make_unique<Hello>();
  hello->text = "there";
  MessagePtr message = std::move(hello);
  EXPECT_TRUE(dispatch.Dispatch(3, message));
  MessagePtr bye = std::make_unique<Bye>();
  EXPECT_TRUE(dispatch.Dispatch(4, bye));
  EXPECT_EQ(log, "hello there from 3;bye from 4;");
}

TEST(MessageDispatchTest, AHandlerMayTakeTheOwningPointer) {
  MessageDispatch dispatch;
  MessagePtr kept;
  dispatch.Claim<Bye>([&](NodeId, MessagePtr& message) { kept = std::move(message); });
  MessagePtr bye = std::make_unique<Bye>();
  Message* raw = bye.get();
  EXPECT_TRUE(dispatch.Dispatch(1, bye));
  EXPECT_EQ(bye, nullptr);
  EXPECT_EQ(kept.get(), raw);
}

TEST(MessageDispatchTest, UnclaimedAndUntaggedMessagesAreLeftAlone) {
  MessageDispatch dispatch;
  dispatch.Claim<Hello>([](NodeId, Hello&) { ADD_FAILURE() << "not a Hello"; });
  MessagePtr bye = std::make_unique<Bye>();
  EXPECT_FALSE(dispatch.Dispatch(1, bye));
  EXPECT_NE(bye, nullptr);
  MessagePtr untagged = std::make_unique<Untagged>();
  EXPECT_FALSE(dispatch.Dispatch(1, untagged));
  MessagePtr none;
  EXPECT_FALSE(dispatch.Dispatch(1, none));
}

TEST(MessageDispatchDeathTest, ATypeClaimedTwiceIsABug) {
  MessageDispatch dispatch;
  dispatch.Claim<Hello>([](NodeId, Hello&) {});
  EXPECT_DEATH(dispatch.Claim<Hello>([](NodeId, Hello&) {}), "claimed twice");
}

}  // namespace
}  // namespace ks
