// The trace store's loader: a trace opened through the arena-backed store (one prepared statement,
// views into SQLite's row, kinds interned, fields copied once into chunks) holds exactly the
// events the plain reader returns, and the pictures it gives at 20 times spread over the run are
// those of an eager fold of the reader's own copies. Also the pieces it rests on: the text arena
// keeps every text where it was, the JSON fields keep more than their inline share of keys, and
// `--measure-frames` prints its two phases under Xvfb.
#include "viewer/trace_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace_reader.h"
#include "sim/world_events.h"
#include "tests/viewer/model_picture.h"
#include "viewer/cluster_model.h"
#include "viewer/text_arena.h"

namespace ks {
namespace {

TEST(TraceStoreLoaderTest, OpenedTraceEqualsTheReadersEventsAndTheirEagerFold) {
  const std::string trace = RecordFlagship("viewer_test_store_loader.sqlite");
  std::string error;
  std::unique_ptr<TraceReader> reader = TraceReader::Open(trace, &error, &AllEventKinds());
  ASSERT_NE(reader, nullptr) << error;
  const std::vector<TraceEvent> events = reader->ReadAllEvents(&error);
  ASSERT_TRUE(error.empty()) << error;
  std::unique_ptr<TraceStore> store = TraceStore::Open(trace, AllEventKinds(), &error);
  ASSERT_NE(store, nullptr) << error;

  ASSERT_EQ(store->size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(store->event(i), events[i]) << "event " << i;
    ASSERT_EQ(store->view(i).kind, std::string_view(events[i].kind)) << "event " << i;
  }
  // Interned kinds: one id per distinct kind, the same for every event of that kind.
  for (size_t i = 1; i < events.size(); ++i) {
    ASSERT_EQ(store->kind_id(i) == store->kind_id(i - 1), events[i].kind == events[i - 1].kind);
  }

  // The pictures at 20 times spread over the run, against an eager fold of the reader's copies.
  const TimeUs end_us = store->end_time_us();
  ClusterModel eager;
  size_t applied = 0;
  for (int k = 0; k <= 20; ++k) {
    const TimeUs t = end_us * k / 20;
    while (applied < events.size() && store->clock(applied) <= t) eager.Apply(events[applied++]);
    EXPECT_EQ(ModelPicture(store->StateAt(t)), ModelPicture(eager)) << "at " << t << " us";
  }
  EXPECT_EQ(applied, events.size());
}

TEST(TraceStoreLoaderTest, LiveAppendsOfViewsKeepTheirOwnCopies) {
  TraceStore store;
  std::string kind = "node.add";
  std::string fields;
  EncodeEvent(ev::NodeAdd{.name = "b1", .role = "broker"}, &fields);
  store.Append(TraceEventView{0, 5, 1, kind, &EventKindOf<ev::NodeAdd>(), fields});
  // The caller's buffers are reused (as SQLite's row and the live sink's are): the store kept its
  // own copies.
  kind.assign("node.crash");
  fields.clear();
  EncodeEvent(ev::NodeCrash{.power_loss = true}, &fields);
  store.Append(TraceEventView{1, 9, 1, kind, &EventKindOf<ev::NodeCrash>(), fields});
  EXPECT_EQ(store.view(0).kind, "node.add");
  EXPECT_EQ(store.view(0).Json(), R"({"name":"b1","role":"broker"})");
  EXPECT_EQ(store.view(1).kind, "node.crash");
  EXPECT_NE(store.kind_id(0), store.kind_id(1));
  ASSERT_EQ(store.markers().size(), 1u);  // the crash is a fault on the timeline
  EXPECT_EQ(store.markers()[0].kind, MarkerKind::kFault);
  const ClusterModel model = store.StateAfter(2);
  ASSERT_NE(model.Node(1), nullptr);
  EXPECT_TRUE(model.Node(1)->crashed);
  EXPECT_EQ(model.Node(1)->name, "b1");
}

TEST(TextArenaTest, StoredTextsNeverMove) {
  TextArena arena;
  std::vector<std::string_view> stored;
  std::vector<std::string> originals;
  for (int i = 0; i < 20000; ++i) {
    // Mostly short texts, now and then one larger than a quarter chunk (a chunk of its own).
    originals.push_back(i % 5000 == 17
                            ? std::string(TextArena::kChunkBytes, 'x')
                            : "text number " + std::to_string(i) + std::string(i % 90, '.'));
    stored.push_back(arena.Store(originals.back()));
  }
  for (size_t i = 0; i < stored.size(); ++i) ASSERT_EQ(stored[i], originals[i]) << i;
  EXPECT_TRUE(arena.Store("").empty());
}

#ifdef KAFKASIM_VIEWER
// The frame meter, end to end: the real viewer under Xvfb prints one line per phase, the first
// playing (simulated time advances by speed/60 s a frame), the second paused.
TEST(FrameMeterTest, MeasureFramesPrintsBothPhases) {
  const std::string trace = RecordFlagship("viewer_test_frame_meter.sqlite");
  const std::string command = std::string("xvfb-run -a -s '-screen 0 1024x768x24' ") +
                              KAFKASIM_VIEWER + " --trace " + trace +
                              " --size 800x600 --measure-frames 6 --speed 3 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  ASSERT_EQ(pclose(pipe), 0) << output;
  EXPECT_NE(output.find("mode=replay phase=advance+draw frames=6 "), std::string::npos) << output;
  EXPECT_NE(output.find("sim_from_s=0.000 sim_to_s=0.300 "), std::string::npos) << output;
  EXPECT_NE(output.find("mode=replay phase=draw frames=6 "), std::string::npos) << output;
  EXPECT_NE(output.find("sim_from_s=0.300 sim_to_s=0.300 events=0"), std::string::npos) << output;
}
#endif

}  // namespace
}  // namespace ks
