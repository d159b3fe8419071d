// Goal: the trace stream enforces the time rule of docs/trace-schema.md ("Time order"): an event is
// never traced with a time before the global clock at its emission, and the clock never goes back.
// Method: a TraceStream given a clock the test moves; events before it abort (death tests).
#include <gtest/gtest.h>

#include "sim/trace_stream.h"
#include "sim/world_events.h"

namespace ks {
namespace {

void EmitAt(TraceStream& stream, TimeUs time_us) {
  std::string data;
  EncodeEvent(ev::NodeStart{.incarnation = 1}, &data);
  stream.Emit(time_us, 0, EventKindOf<ev::NodeStart>(), data);
}

TEST(TraceTimeTest, AnEventAtOrAheadOfTheClockIsTraced) {
  TraceStream stream;
  TimeUs clock_us = 100;
  stream.SetClock([&] { return clock_us; });
  EmitAt(stream, 100);
  EmitAt(stream, 250);  // a node busy with disk work runs ahead
  clock_us = 120;
  EmitAt(stream, 120);  // the next event, by another node, is earlier than the one before: allowed
  EXPECT_EQ(stream.event_count(), 3);
}

TEST(TraceTimeTest, AnEventInThePastBreaksAnInvariant) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TraceStream stream;
  TimeUs clock_us = 100;
  stream.SetClock([&] { return clock_us; });
  EXPECT_DEATH(EmitAt(stream, 99), "node.start event of node 0 has time 99 us, before the clock");
  EmitAt(stream, 100);
  clock_us = 50;
  EXPECT_DEATH(EmitAt(stream, 100), "the simulated clock went back");
}

}  // namespace
}  // namespace ks
