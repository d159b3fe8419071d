// Typed trace events (model/env/trace_event.h).
//
// Goal: an event's fields survive encoding and decoding exactly; its JSON is what the schema
// promises (keys in Fields order, absent optionals left out at the top and null inside a list,
// enums by name, lists as arrays, object members as objects); the schema lists every field with
// its type; and bytes that are not a valid encoding (a damaged trace file) are refused without
// reading outside them.
// Method: small event types declared here exercise every field type; each property is checked on
// their encodings, including every truncation of one and a forged element count.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/env/trace.h"
#include "model/kafka/errors.h"

namespace ks {

enum class Colour { kRed, kBlue };
std::string_view TraceName(Colour colour) { return colour == Colour::kRed ? "red" : "blue"; }

namespace {

struct Item {
  std::string_view name;
  std::optional<int64_t> weight;
  static void Fields(auto& e, auto& v) {
    v("name", e.name);
    v("weight", e.weight);
  }
};

struct Member {
  static constexpr bool kJsonObjectMember = true;
  std::string_view key;
  IntList<int32_t> ids;
  static void Fields(auto& e, auto& v) {
    v("key", e.key);
    v("ids", e.ids);
  }
};

struct Everything {
  static constexpr std::string_view kName = "test.everything";
  int64_t big = 0;
  int32_t small = 0;
  bool flag = false;
  std::string_view text;
  Colour colour = Colour::kRed;
  ErrorCode error = ErrorCode::kNone;
  std::optional<std::string_view> maybe;
  IntList<int32_t> brokers;
  IntList<int64_t> offsets;
  TraceList<Item> items;
  TraceList<Member> members;
  static void Fields(auto& e, auto& v) {
    v("big", e.big);
    v("small", e.small);
    v("flag", e.flag);
    v("text", e.text);
    v("colour", e.colour);
    v("error", e.error);
    v("maybe", e.maybe);
    v("brokers", e.brokers);
    v("offsets", e.offsets);
    v("items", e.items);
    v("members", e.members);
  }
};

struct Empty {
  static constexpr std::string_view kName = "test.empty";
  static void Fields(auto&, auto&) {}
};

std::string Encode(const Everything& event) {
  std::string bytes;
  EncodeEvent(event, &bytes);
  return bytes;
}

std::string Json(std::string_view bytes) {
  std::string json;
  EXPECT_TRUE(EventKindOf<Everything>().render_json(bytes, &json));
  return json;
}

TEST(TraceEventTest, FieldsSurviveEncodingAndDecoding) {
  const std::vector<int32_t> brokers = {3, 1, 2};
  const std::vector<int64_t> offsets = {int64_t{1} << 40, -1};
  const std::vector<int32_t> ids = {7};
  const std::vector<Item> items = {{"a", 5}, {"quote\"d", std::nullopt}};
  const std::vector<Member> members = {{"orders", ids}};
  const Everything event{.big = -(int64_t{1} << 50),
                         .small = -7,
                         .flag = true,
                         .text = "multi\nline",
                         .colour = Colour::kBlue,
                         .error = ErrorCode::kNotEnoughReplicas,
                         .maybe = std::nullopt,
                         .brokers = brokers,
                         .offsets = offsets,
                         .items = items,
                         .members = members};
  const std::string bytes = Encode(event);
  std::optional<Everything> back = DecodeEvent<Everything>(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->big, event.big);
  EXPECT_EQ(back->small, -7);
  EXPECT_TRUE(back->flag);
  EXPECT_EQ(back->text, "multi\nline");
  EXPECT_EQ(back->colour, Colour::kBlue);
  EXPECT_EQ(back->error, ErrorCode::kNotEnoughReplicas);
  EXPECT_FALSE(back->maybe.has_value());
  EXPECT_EQ(back->brokers.ToVector(), brokers);
  EXPECT_EQ(back->offsets.ToVector(), offsets);
  ASSERT_EQ(back->items.size(), 2u);
  EXPECT_EQ(back->items[1].name, "quote\"d");
  EXPECT_EQ(back->items[0].weight, 5);
  EXPECT_FALSE(back->items[1].weight.has_value());
  ASSERT_EQ(back->members.size(), 1u);
  EXPECT_EQ(back->members[0].ids.ToVector(), ids);
  // A copy of a decoded event still views valid elements.
  const Everything copy = *back;
  back.reset();
  EXPECT_EQ(copy.items[1].name, "quote\"d");
  // Same fields, same bytes.
  EXPECT_EQ(Encode(copy), bytes);
}

TEST(TraceEventTest, JsonFollowsTheSchema) {
  const std::vector<int32_t> brokers = {1, 2};
  const std::vector<int32_t> ids = {1, -1};
  const std::vector<Item> items = {{"a", 5}, {"b", std::nullopt}};
  const std::vector<Member> members = {{"orders", ids}, {"x", {}}};
  Everything event{.big = 10,
                   .small = 2,
                   .flag = false,
                   .text = "t\"",
                   .colour = Colour::kRed,
                   .error = ErrorCode::kNone,
                   .brokers = brokers,
                   .items = items,
                   .members = members};
  EXPECT_EQ(Json(Encode(event)),
            R"({"big":10,"small":2,"flag":false,"text":"t\"","colour":"red","error":"NONE",)"
            R"("brokers":[1,2],"offsets":[],"items":[["a",5],["b",null]],)"
            R"("members":{"orders":[1,-1],"x":[]}})");
  event.maybe = "here";
  EXPECT_NE(Json(Encode(event)).find(R"("error":"NONE","maybe":"here","brokers")"),
            std::string::npos);
  std::string json;
  ASSERT_TRUE(EventKindOf<Empty>().render_json("", &json));
  EXPECT_EQ(json, "{}");
}

TEST(TraceEventTest, SchemaListsEveryFieldWithItsType) {
  const EventKind& kind = EventKindOf<Everything>();
  EXPECT_EQ(kind.name, "test.everything");
  EXPECT_EQ(&kind, &EventKindOf<Everything>());  // one kind object per type
  EXPECT_NE(kind.id, EventKindOf<Empty>().id);
  std::vector<std::string> listed;
  for (const EventField& field : kind.fields) {
    listed.push_back(std::string(field.key) + ":" + std::string(field.type) +
                     (field.optional ? "?" : ""));
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"big:int64", "small:int32", "flag:bool",
                                              "text:string", "colour:enum", "error:enum",
                                              "maybe:string?", "brokers:int32[]", "offsets:int64[]",
                                              "items:list", "members:list"}));
}

TEST(TraceEventTest, DamagedBytesAreRefusedWithoutReadingPastThem) {
  const std::vector<int32_t> brokers = {1, 2, 3};
  const std::vector<Item> items = {{"abc", 1}, {"d", 2}};
  const std::string bytes = Encode(Everything{.text = "hello", .brokers = brokers, .items = items});
  for (size_t size = 0; size < bytes.size(); ++size) {
    // Every strict prefix is refused (in its own buffer, so a read past it is an ASan error).
    const std::string prefix = bytes.substr(0, size);
    EXPECT_FALSE(DecodeEvent<Everything>(prefix).has_value()) << size;
    std::string json;
    EXPECT_FALSE(EventKindOf<Everything>().render_json(prefix, &json)) << size;
  }
  EXPECT_FALSE(DecodeEvent<Everything>(bytes + "x").has_value());  // trailing garbage
  // A forged list count far beyond the bytes left: refused, no huge allocation.
  std::string forged;
  FieldWriter w(&forged);
  w.Put(uint32_t{0xffffffff});
  EXPECT_FALSE(DecodeEvent<Everything>(forged).has_value());
}

// Regression (UBSan, asan preset): an empty string_view without storage, as a default-constructed
// one, was handed to memcpy as a null pointer; it is an empty JSON string.
// An empty string_view may have no storage (data() null): its JSON is "" all the same, without
// copying from null (UBSan's check under the asan preset).
TEST(TraceEventTest, AnEmptyStringWithoutStorageIsAnEmptyJsonString) {
  std::string json;
  AppendJsonString(&json, std::string_view());
  EXPECT_EQ(json, "\"\"");
  std::string bytes;
  EncodeEvent(Everything{.text = std::string_view()}, &bytes);
  ASSERT_TRUE(EventKindOf<Everything>().render_json(bytes, &json));
  EXPECT_NE(json.find(R"("text":"")"), std::string::npos) << json;
}

}  // namespace
}  // namespace ks
