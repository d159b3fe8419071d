// Ping-pong: the kernel-level example nodes, with no Kafka in them, used by scenarios/kernel/ to
// show (and test) the simulated world on its own: a pinger sends numbered pings to an echo node
// at a fixed interval and appends each pong it gets to a file, fsyncing every N pongs; on start
// it recovers its count from that file, so a crash shows exactly what fsync protected.
#pragma once

#include <cstdint>
#include <string>

#include "model/env/env.h"
#include "sim/scenario/registry.h"

namespace ks {

// The pinger's trace events (docs/trace-schema.md, "The kernel demo").
namespace ev {
struct PingerRecovered {
  static constexpr std::string_view kName = "pinger.recovered";
  int64_t pongs = 0;        // recovered from pongs.log
  int64_t file_bytes = -1;  // -1: no file
  static void Fields(auto& e, auto& v) {
    v("pongs", e.pongs);
    v("file_bytes", e.file_bytes);
  }
};
struct PingerPong {
  static constexpr std::string_view kName = "pinger.pong";
  int64_t seq = 0;
  int64_t pongs = 0;
  static void Fields(auto& e, auto& v) {
    v("seq", e.seq);
    v("pongs", e.pongs);
  }
};
struct PingerFsync {
  static constexpr std::string_view kName = "pinger.fsync";
  int64_t pongs = 0;
  bool ok = false;
  static void Fields(auto& e, auto& v) {
    v("pongs", e.pongs);
    v("ok", e.ok);
  }
};
struct PingerWriteFailed {
  static constexpr std::string_view kName = "pinger.write_failed";
  std::string_view error;
  static void Fields(auto& e, auto& v) { v("error", e.error); }
};
struct PingerReset {
  static constexpr std::string_view kName = "pinger.reset";
  int32_t peer = -1;  // node id
  static void Fields(auto& e, auto& v) { v("peer", e.peer); }
};
}  // namespace ev

struct PingerOptions {
  NodeId target = kNoNode;
  DurationUs interval_us = 10 * kMillisecond;
  int64_t payload_bytes = 100;
  int64_t fsync_every = 0;  // 0: never fsync
};

class Pinger final : public Process {
 public:
  static constexpr const char* kLogFile = "pongs.log";
  static constexpr int64_t kRecordBytes = 8;

  Pinger(Env& env, PingerOptions options) : env_(env), options_(options) {}
  void Start() override;
  void OnMessage(NodeId from, MessagePtr message) override;
  void OnConnectionReset(NodeId peer) override;

  int64_t pongs() const { return pongs_; }
  int64_t recovered() const { return recovered_; }

 private:
  void SendPing();
  Env& env_;
  PingerOptions options_;
  int64_t next_seq_ = 0;
  int64_t pongs_ = 0;
  int64_t recovered_ = 0;
  int64_t unsynced_ = 0;
};

class Echo final : public Process {
 public:
  explicit Echo(Env& env) : env_(env) {}
  void Start() override {}
  void OnMessage(NodeId from, MessagePtr message) override;
  int64_t answered() const { return answered_; }

 private:
  Env& env_;
  int64_t answered_ = 0;
};

// Node kinds "pinger" and "echo"; probes "pongs_received" and "pings_answered".
void RegisterPingPongVocabulary(ScenarioRegistry& registry);

}  // namespace ks
