#include "sim/demo/ping_pong.h"

#include "sim/scenario/runner.h"

namespace ks {

namespace {

struct PingMessage final : Message {
  PingMessage(bool is_pong, int64_t seq, int64_t payload_bytes)
      : is_pong(is_pong), seq(seq), payload_bytes(payload_bytes) {}
  std::string_view Kind() const override { return is_pong ? "Pong" : "Ping"; }
  int64_t SizeBytes() const override { return 16 + payload_bytes; }
  bool is_pong;
  int64_t seq;
  int64_t payload_bytes;
};

}  // namespace

void Pinger::Start() {
  // Recovery: whatever reached the disk before the last crash is our count.
  const int64_t size = env_.LocalDisk().Size(kLogFile);
  recovered_ = size < 0 ? 0 : size / kRecordBytes;
  pongs_ = recovered_;
  env_.Trace(ev::PingerRecovered{.pongs = recovered_, .file_bytes = size});
  SendPing();
}

void Pinger::SendPing() {
  env_.Send(options_.target,
            std::make_unique<PingMessage>(false, next_seq_++, options_.payload_bytes));
  env_.SetTimer(options_.interval_us, [this] { SendPing(); });
}

void Pinger::OnMessage(NodeId from, MessagePtr message) {
  auto* pong = dynamic_cast<PingMessage*>(message.get());
  if (pong == nullptr || !pong->is_pong) return;
  char record[kRecordBytes];
  for (int i = 0; i < kRecordBytes; ++i) record[i] = static_cast<char>(pong->seq >> (8 * i));
  Disk& disk = env_.LocalDisk();
  Status status = disk.Append(kLogFile, std::string_view(record, kRecordBytes));
  if (!status.ok()) {
    env_.Trace(ev::PingerWriteFailed{.error = status.ToString()});
    return;
  }
  ++pongs_;
  env_.Trace(ev::PingerPong{.seq = pong->seq, .pongs = pongs_});
  if (options_.fsync_every > 0 && ++unsynced_ >= options_.fsync_every) {
    unsynced_ = 0;
    status = disk.Fsync(kLogFile);
    env_.Trace(ev::PingerFsync{.pongs = pongs_, .ok = status.ok()});
  }
}

void Pinger::OnConnectionReset(NodeId peer) { env_.Trace(ev::PingerReset{.peer = peer}); }

void Echo::OnMessage(NodeId from, MessagePtr message) {
  auto* ping = dynamic_cast<PingMessage*>(message.get());
  if (ping == nullptr || ping->is_pong) return;
  ++answered_;
  env_.Send(from, std::make_unique<PingMessage>(true, ping->seq, ping->payload_bytes));
}

namespace {

class CounterProbe final : public Probe {
 public:
  CounterProbe(std::string name, std::unique_ptr<NodeSelector> node)
      : name_(std::move(name)), node_(std::move(node)) {}
  ProbeValue Read(ScenarioRun& run) const override {
    std::string error;
    const NodeId id = node_->Resolve(run, &error);
    if (id == kNoNode) return ProbeValue::Number(-1);
    if (auto* pinger = run.world().ProcessAs<Pinger>(id))
      return ProbeValue::Number(pinger->pongs());
    if (auto* echo = run.world().ProcessAs<Echo>(id)) return ProbeValue::Number(echo->answered());
    return ProbeValue::Number(-1);  // not running
  }
  std::string Describe() const override { return name_ + "(" + node_->Describe() + ")"; }

 private:
  std::string name_;
  std::unique_ptr<NodeSelector> node_;
};

}  // namespace

void RegisterPingPongVocabulary(ScenarioRegistry& registry) {
  registry.events()
      .Add<ev::PingerRecovered, ev::PingerPong, ev::PingerFsync, ev::PingerWriteFailed,
           ev::PingerReset>();
  registry.AddNodeKind(
      "pinger", "client",
      {"Pings a target at an interval; appends each pong to pongs.log, fsyncing every N.",
       "target: NODE, [interval: DURATION=10ms], [payload_bytes: SIZE=100], "
       "[fsync_every: INTEGER=0 (never)]"},
      [](Args& args, ParseScope& scope) -> ProcessFactory {
        scope.ParseNode(args, "target");  // validates the name, at its position
        PingerOptions options;
        options.target = scope.NodeIdOf(args.GetString("target"));
        options.interval_us = args.GetDuration("interval", options.interval_us);
        if (options.interval_us <= 0) args.FailAt("interval", "interval must be positive");
        options.payload_bytes = args.GetSize("payload_bytes", options.payload_bytes);
        options.fsync_every = args.GetInteger("fsync_every", 0);
        return [options](Env& env) -> std::unique_ptr<Process> {
          return std::make_unique<Pinger>(env, options);
        };
      });
  registry.AddNodeKind("echo", "server", {"Answers every ping with a pong of the same size.", ""},
                       [](Args&, ParseScope&) -> ProcessFactory {
                         return [](Env& env) -> std::unique_ptr<Process> {
                           return std::make_unique<Echo>(env);
                         };
                       });
  registry.AddProbe("pongs_received",
                    {"Pongs a pinger has counted (recovered from disk after a restart); -1 "
                     "when it is not running.",
                     "node: NODE"},
                    [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      return std::make_unique<CounterProbe>("pongs_received",
                                                            scope.ParseNode(args, "node"));
                    });
  registry.AddProbe("pings_answered",
                    {"Pings an echo node has answered in its current incarnation.", "node: NODE"},
                    [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      return std::make_unique<CounterProbe>("pings_answered",
                                                            scope.ParseNode(args, "node"));
                    });
}

}  // namespace ks
