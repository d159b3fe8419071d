// The world's own trace events: nodes' lifecycle and faults, disks and the network
// (docs/trace-schema.md, "World and scenario"). Emitted by sim/world.cc, sim/network.cc and the
// world's scenario actions; the node is the one concerned, or kNoNode for the world itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/env/trace_event.h"

namespace ks::ev {

struct NodeAdd {
  static constexpr std::string_view kName = "node.add";
  std::string_view name;
  std::string_view role;
  static void Fields(auto& e, auto& v) {
    v("name", e.name);
    v("role", e.role);
  }
};

// The first start of a node, and each restart.
struct NodeStart {
  static constexpr std::string_view kName = "node.start";
  int32_t incarnation = 0;
  static void Fields(auto& e, auto& v) { v("incarnation", e.incarnation); }
};
struct NodeRestart {
  static constexpr std::string_view kName = "node.restart";
  int32_t incarnation = 0;
  static void Fields(auto& e, auto& v) { v("incarnation", e.incarnation); }
};

// A crash: power loss (unsynced bytes lost) or a kill (the page cache survives).
struct NodeCrash {
  static constexpr std::string_view kName = "node.crash";
  bool power_loss = false;
  static void Fields(auto& e, auto& v) { v("power_loss", e.power_loss); }
};

struct NodeStop {
  static constexpr std::string_view kName = "node.stop";
  static void Fields(auto&, auto&) {}
};
struct NodePause {
  static constexpr std::string_view kName = "node.pause";
  static void Fields(auto&, auto&) {}
};
struct NodeResume {
  static constexpr std::string_view kName = "node.resume";
  int64_t waiting_events = 0;  // timers and messages that waited
  static void Fields(auto& e, auto& v) { v("waiting_events", e.waiting_events); }
};
struct NodeClockSkew {
  static constexpr std::string_view kName = "node.clock_skew";
  int64_t skew_ms = 0;
  static void Fields(auto& e, auto& v) { v("skew_ms", e.skew_ms); }
};

// One file that lost bytes in a power loss.
struct DiskCrashLoss {
  static constexpr std::string_view kName = "disk.crash_loss";
  std::string_view file;
  int64_t size_before = 0;
  int64_t size_after = 0;
  int64_t torn_bytes = 0;
  static void Fields(auto& e, auto& v) {
    v("file", e.file);
    v("size_before", e.size_before);
    v("size_after", e.size_after);
    v("torn_bytes", e.torn_bytes);
  }
};
struct DiskSlow {
  static constexpr std::string_view kName = "disk.slow";
  int64_t factor = 1;
  static void Fields(auto& e, auto& v) { v("factor", e.factor); }
};
struct DiskFull {
  static constexpr std::string_view kName = "disk.full";
  bool full = false;
  static void Fields(auto& e, auto& v) { v("full", e.full); }
};
struct DiskCorrupt {
  static constexpr std::string_view kName = "disk.corrupt";
  std::string_view file;
  int64_t offset = 0;
  int64_t length = 0;
  static void Fields(auto& e, auto& v) {
    v("file", e.file);
    v("offset", e.offset);
    v("length", e.length);
  }
};

// A message sent, delivered or dropped (node: the sender). Send and deliver are traced only with
// world.trace_messages; drops always, with the reason.
struct NetMessage {
  std::string_view to;
  std::string_view message;  // the message's kind: Produce, Fetch, Ping...
  int64_t bytes = 0;
  std::optional<std::string_view> reason;
  static void Fields(auto& e, auto& v) {
    v("to", e.to);
    v("message", e.message);
    v("bytes", e.bytes);
    v("reason", e.reason);
  }
};
struct NetSend : NetMessage {
  static constexpr std::string_view kName = "net.send";
};
struct NetDeliver : NetMessage {
  static constexpr std::string_view kName = "net.deliver";
};
struct NetDrop : NetMessage {
  static constexpr std::string_view kName = "net.drop";
};

// The node told of a reset connection (node), and the other end.
struct NetReset {
  static constexpr std::string_view kName = "net.reset";
  std::string_view peer;
  static void Fields(auto& e, auto& v) { v("peer", e.peer); }
};
struct NetPartition {
  static constexpr std::string_view kName = "net.partition";
  std::string_view sides;  // "a,b | c", "a | *", or "a -> b" when one-way
  bool one_way = false;
  static void Fields(auto& e, auto& v) {
    v("sides", e.sides);
    v("one_way", e.one_way);
  }
};
struct NetHeal {
  static constexpr std::string_view kName = "net.heal";
  static void Fields(auto&, auto&) {}
};
struct NetDelaySpike {
  static constexpr std::string_view kName = "net.delay_spike";
  std::string_view to;  // "*": every peer
  int64_t extra_us = 0;
  int64_t duration_us = 0;
  static void Fields(auto& e, auto& v) {
    v("to", e.to);
    v("extra_us", e.extra_us);
    v("duration_us", e.duration_us);
  }
};
struct NetSetLink {
  static constexpr std::string_view kName = "net.set_link";
  std::string_view to;
  int64_t latency_min_us = 0;
  int64_t latency_max_us = 0;
  int64_t bandwidth_bytes_per_s = 0;
  int64_t drop_ppm = 0;
  static void Fields(auto& e, auto& v) {
    v("to", e.to);
    v("latency_min_us", e.latency_min_us);
    v("latency_max_us", e.latency_max_us);
    v("bandwidth_bytes_per_s", e.bandwidth_bytes_per_s);
    v("drop_ppm", e.drop_ppm);
  }
};

}  // namespace ks::ev
