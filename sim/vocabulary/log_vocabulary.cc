#include "sim/vocabulary/log_vocabulary.h"

#include <algorithm>
#include <cctype>

#include "model/admin/replica_assignment.h"  // ValidateTopicName
#include "model/log/batch_scanner.h"
#include "model/log/log_events.h"
#include "model/log/record_batch.h"
#include "sim/scenario/runner.h"
#include "sim/sim_disk.h"

namespace ks {

// ---- LogHost ----

int64_t HostedLog::HighWatermark() const {
  if (log == nullptr) return 0;
  const int64_t end = log->log_end_offset();
  return high_watermark ? std::min(*high_watermark, end) : end;
}

LogHost::LogHost(Env& env, std::vector<HostedLogSpec> specs) : env_(env), directory_(env) {
  for (HostedLogSpec& spec : specs) {
    auto hosted = std::make_unique<HostedLog>();
    hosted->spec = std::move(spec);
    logs_.push_back(std::move(hosted));
  }
}

LogHost::~LogHost() = default;

void LogHost::Start() {
  directory_.LoadCheckpoints();
  for (const std::unique_ptr<HostedLog>& hosted : logs_) Open(*hosted);
  if (logs_.empty()) return;
  // Kafka's intervals are broker settings; the host's one directory takes its first log's.
  const LogConfig& config = logs_.front()->spec.config;
  directory_.StartCheckpointTasks(config.log_flush_offset_checkpoint_interval_ms,
                                  config.log_flush_start_offset_checkpoint_interval_ms);
}

void LogHost::Open(HostedLog& hosted) {
  const HostedLogSpec& spec = hosted.spec;
  const TopicPartition tp{spec.topic, spec.partition};
  hosted.open_error = directory_.OpenLog(tp, spec.config, &hosted.log);
  if (!hosted.open_error.ok()) {
    hosted.log.reset();
    const std::string error = hosted.open_error.ToString();
    env_.Trace(ev::LogHostOpenFailed{{.tp = TpRef(spec.topic, spec.partition), .error = error}});
    return;
  }
  Log& log = *hosted.log;
  // A high watermark set by an earlier incarnation survives in the checkpoint; without one the
  // HW follows the LEO.
  hosted.high_watermark = directory_.CheckpointedHighWatermark(tp);
  HostedLog* raw = &hosted;
  auto high_watermark = [raw](const Log&) { return raw->HighWatermark(); };
  // Kafka's intervals are broker settings; a log_host runs one retention task per log, so each
  // log's own config decides (the same names, log.retention.check.interval.ms and
  // log.cleaner.backoff.ms).
  hosted.retention =
      std::make_unique<LogRetentionTask>(env_, spec.config.log_retention_check_interval_ms);
  hosted.retention->AddLog(&log, high_watermark);
  hosted.retention->Start();
  if (spec.config.cleanup_compact) {
    CleanerOptions options;
    options.backoff_ms = spec.config.log_cleaner_backoff_ms;
    hosted.cleaner = std::make_unique<LogCleaner>(env_, options);
    hosted.cleaner->AddLog(&log, high_watermark);
    hosted.cleaner->Start();
  }
}

void LogHost::Shutdown() {
  directory_.StopCheckpointTasks();
  for (const std::unique_ptr<HostedLog>& hosted : logs_) {
    if (hosted->cleaner) hosted->cleaner->Stop();
    if (hosted->retention) hosted->retention->Stop();
    if (hosted->log == nullptr || hosted->log->offline()) continue;
    const KafkaError error = hosted->log->Close();
    if (!error.ok()) {
      const std::string text = error.ToString();
      env_.Trace(ev::LogHostCloseFailed{
          {.tp = TpRef(hosted->spec.topic, hosted->spec.partition), .error = text}});
    }
  }
  // Every log is closed: the directory writes its recovery points and log start offsets.
  directory_.CloseLogs();
}

HostedLog* LogHost::Find(std::string_view topic, int32_t partition) {
  for (const std::unique_ptr<HostedLog>& hosted : logs_) {
    if (hosted->spec.topic == topic && hosted->spec.partition == partition) return hosted.get();
  }
  return nullptr;
}

std::string LogHost::GenerateValue(HostedLog& hosted, std::string_view stream, int64_t bytes) {
  // Words of an order-event stream: text with the redundancy of real payloads, so that the codecs
  // compress it about as much as they compress JSON events (random bytes would not compress).
  static constexpr std::string_view kWords[] = {
      "order",  "created",  "customer", "payment",  "accepted", "shipped",   "warehouse", "berlin",
      "paris",  "lisbon",   "express",  "standard", "quantity", "price",     "eur",       "usd",
      "status", "pending",  "complete", "refund",   "item",     "book",      "lamp",      "chair",
      "desk",   "coffee",   "tea",      "delivery", "address",  "street",    "city",      "country",
      "email",  "phone",    "discount", "coupon",   "cart",     "checkout",  "invoice",   "tax",
      "total",  "currency", "carrier",  "tracking", "returned", "cancelled", "review",    "rating"};
  constexpr uint64_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);
  auto it = hosted.value_streams.find(stream);
  if (it == hosted.value_streams.end()) {
    const Rng& origin = env_.Random("log_host/values/" + std::string(stream));
    it = hosted.value_streams.emplace(std::string(stream), origin).first;
  }
  Rng& rng = it->second;
  std::string value;
  value.reserve(static_cast<size_t>(bytes) + 16);
  while (static_cast<int64_t>(value.size()) < bytes) {
    if (!value.empty()) value += ' ';
    value += kWords[rng.Below(kWordCount)];
  }
  value.resize(static_cast<size_t>(bytes));
  return value;
}

KafkaError LogHost::Append(HostedLog& hosted, const LogAppendRequest& request) {
  Log& log = *hosted.log;
  BatchOptions options;
  options.compression = request.compression;
  BatchBuilder builder;
  std::string batch;
  std::string key;
  std::string value;
  const std::string stream =
      request.value_stream.empty() ? hosted.spec.Name() : request.value_stream;
  for (int64_t b = 0; b < request.batches; ++b) {
    const int64_t first_offset = log.log_end_offset();
    const int64_t timestamp_ms = env_.WallClockMs();
    builder.Start(options, &batch);
    for (int64_t r = 0; r < request.records_per_batch; ++r) {
      RecordInput record;
      record.timestamp_ms = timestamp_ms;
      if (request.key) {
        record.key = *request.key;
      } else if (request.key_count > 0) {
        // The key follows the offset the record will get, so a scenario can tell which record
        // holds the latest value of a key.
        key = "k" + std::to_string((first_offset + r) % request.key_count);
        record.key = key;
      }
      if (!request.tombstone) {
        value = request.value ? *request.value : GenerateValue(hosted, stream, request.value_bytes);
        record.value = value;
      }
      builder.Add(record);  // copies key and value into the batch
    }
    const auto uncompressed = static_cast<int64_t>(builder.size_bytes());
    if (Status status = builder.Finish(); !status.ok()) return KafkaError::FromStatus(status);
    LogAppendInfo info;
    const KafkaError error = log.AppendAsLeader(&batch, request.leader_epoch, &info);
    if (!error.ok()) return error;
    ++hosted.appended_batches;
    hosted.appended_records += info.record_count;
    hosted.compressed_bytes += static_cast<int64_t>(batch.size());
    hosted.uncompressed_bytes += uncompressed;
  }
  return KafkaError::None();
}

KafkaError LogHost::SetHighWatermark(HostedLog& hosted, int64_t offset) {
  Log& log = *hosted.log;
  if (offset < 0) {
    hosted.high_watermark.reset();
    return CheckpointHighWatermarks();
  }
  if (offset > log.log_end_offset()) {
    return KafkaError(ErrorCode::kOffsetOutOfRange, "high watermark " + std::to_string(offset) +
                                                        " above the log end offset " +
                                                        std::to_string(log.log_end_offset()));
  }
  hosted.high_watermark = offset;
  return CheckpointHighWatermarks();
}

KafkaError LogHost::CheckpointHighWatermarks() {
  std::map<TopicPartition, int64_t> high_watermarks;
  for (const std::unique_ptr<HostedLog>& hosted : logs_) {
    if (hosted->high_watermark) {
      high_watermarks[TopicPartition{hosted->spec.topic, hosted->spec.partition}] =
          *hosted->high_watermark;
    }
  }
  return directory_.CheckpointHighWatermarks(high_watermarks);
}

// ---- the vocabulary ----

namespace {

// Lets an observer (a probe) read a node's disk without charging the node read latency: a probe
// in a `when:` condition runs after every event, and must not shift the node's timing.
class FreeReads {
 public:
  explicit FreeReads(SimDisk& disk) : disk_(disk), saved_(disk.options()) {
    DiskOptions free = saved_;
    free.read_latency_us = 0;
    disk_.SetOptions(free);
  }
  ~FreeReads() { disk_.SetOptions(saved_); }
  FreeReads(const FreeReads&) = delete;
  FreeReads& operator=(const FreeReads&) = delete;

 private:
  SimDisk& disk_;
  DiskOptions saved_;
};

// Calls fn(record) for every record at or above the log start offset, from the segment files,
// up to the first batch whose CRC fails (where a consumer gets CORRUPT_MESSAGE). Returns false
// if a segment could not be read or decoded.
template <typename Fn>
bool ForEachLiveRecord(SimDisk& disk, const Log& log, Fn&& fn) {
  FreeReads free_reads(disk);
  BatchReader reader;
  Record record;
  for (const Segment* segment : log.segments()) {
    std::string_view bytes;
    if (!disk.ReadView(segment->log_path(), 0, segment->size_bytes(), &bytes).ok()) return false;
    BatchScanner scanner(bytes);
    BatchHeader header;
    while (scanner.Next(&header)) {
      if (header.last_offset() >= log.log_start_offset()) {
        // A consumer (check.crcs) stops at a batch whose CRC fails: CORRUPT_MESSAGE.
        if (!header.IsCrcValid()) return true;
        if (!reader.Open(header).ok()) return false;
        while (reader.Next(&record)) {
          if (record.offset >= log.log_start_offset()) fn(record);
        }
        if (!reader.status().ok()) return false;
      }
    }
    if (!scanner.at_end()) return false;
  }
  return true;
}

// A log named in a step or condition: node, topic, partition.
struct LogRef {
  std::shared_ptr<NodeSelector> node;
  std::string topic;
  int32_t partition = 0;

  std::string Describe() const {
    return node->Describe() + ":" + topic + "-" + std::to_string(partition);
  }
};

LogRef ParseLogRef(Args& args, ParseScope& scope) {
  LogRef ref;
  ref.node = scope.ParseNode(args, "node");
  ref.topic = args.GetString("topic");
  const int64_t partition = args.GetInteger("partition", 0);
  if (partition < 0 || partition > INT32_MAX) {
    args.FailAt("partition", "a partition is an integer from 0 to 2147483647");
  }
  ref.partition = static_cast<int32_t>(partition);
  return ref;
}

struct Resolved {
  NodeId node = kNoNode;
  LogHost* host = nullptr;
  HostedLog* hosted = nullptr;
};

// Finds the log a reference names; false with *error saying why (the node is down, is not a
// log_host, has no such log, or could not open it).
bool Resolve(ScenarioRun& run, const LogRef& ref, Resolved* out, std::string* error) {
  World& world = run.world();
  out->node = ref.node->Resolve(run, error);
  if (out->node == kNoNode) return false;
  const std::string& name = world.NodeName(out->node);
  if (world.status(out->node) != NodeStatus::kUp) {
    *error = "node " + name + " is " + std::string(NodeStatusName(world.status(out->node)));
    return false;
  }
  out->host = world.ProcessAs<LogHost>(out->node);
  if (out->host == nullptr) {
    *error = "node " + name + " is not a log_host";
    return false;
  }
  out->hosted = out->host->Find(ref.topic, ref.partition);
  if (out->hosted == nullptr) {
    std::string names;
    for (const auto& hosted : out->host->logs()) {
      names += (names.empty() ? "" : ", ") + hosted->spec.Name();
    }
    *error = "node " + name + " has no log " + ref.topic + "-" + std::to_string(ref.partition) +
             "; its logs are: " + names;
    return false;
  }
  if (out->hosted->log == nullptr) {
    *error = "the log " + out->hosted->spec.Name() + " on " + name +
             " did not open: " + out->hosted->open_error.ToString();
    return false;
  }
  return true;
}

Status ToStatus(const KafkaError& error) {
  return error.ok() ? Status::Ok() : Status::InvalidArgument(error.ToString());
}

class LogAction final : public Action {
 public:
  using Apply = std::function<KafkaError(ScenarioRun&, const Resolved&)>;
  LogAction(LogRef ref, Apply apply) : ref_(std::move(ref)), apply_(std::move(apply)) {}
  Status Execute(ScenarioRun& run) override {
    Resolved resolved;
    std::string error;
    if (!Resolve(run, ref_, &resolved, &error)) return Status::InvalidArgument(error);
    return ToStatus(apply_(run, resolved));
  }

 private:
  LogRef ref_;
  Apply apply_;
};

class LogProbe final : public Probe {
 public:
  using ReadFn = std::function<ProbeValue(ScenarioRun&, const Resolved&)>;
  LogProbe(std::string description, LogRef ref, bool is_text, ReadFn read)
      : description_(std::move(description)),
        ref_(std::move(ref)),
        is_text_(is_text),
        read_(std::move(read)) {}
  ProbeValue Read(ScenarioRun& run) const override {
    Resolved resolved;
    std::string error;
    if (!Resolve(run, ref_, &resolved, &error)) {
      return is_text_ ? ProbeValue::Text("<" + error + ">") : ProbeValue::Number(-1);
    }
    return read_(run, resolved);
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  LogRef ref_;
  bool is_text_;
  ReadFn read_;
};

constexpr const char* kLogKeys = "node: NODE, topic: NAME, [partition: INTEGER=0]";

std::string Keys(const std::string& extra) {
  return extra.empty() ? std::string(kLogKeys) : std::string(kLogKeys) + ", " + extra;
}

// ---- the node kind ----

// config: {name: value, ...} applied on Kafka's defaults; a bad pair is an error at its position.
LogConfig ParseConfig(const std::string& file, const YAML::Node& config_node) {
  LogConfig config;
  if (!config_node.IsDefined() || config_node.IsNull()) return config;
  if (!config_node.IsMap()) {
    throw ScenarioError(PositionOf(file, config_node),
                        "'config' is a mapping of Kafka topic configs, like "
                        "{segment.bytes: 4096, cleanup.policy: compact}");
  }
  const std::vector<std::string_view>& names = LogConfigNames();
  for (auto it = config_node.begin(); it != config_node.end(); ++it) {
    const std::string name = it->first.Scalar();
    const bool known = std::find(names.begin(), names.end(), name) != names.end();
    if (!it->second.IsScalar()) {
      throw ScenarioError(PositionOf(file, it->second), "config " + name + " needs a single value");
    }
    if (Status status = SetLogConfig(name, it->second.Scalar(), &config); !status.ok()) {
      // An unknown name is the key's mistake; a bad value, the value's.
      throw ScenarioError(PositionOf(file, known ? it->second : it->first), status.message());
    }
  }
  return config;
}

std::vector<HostedLogSpec> ParseHostedLogs(Args& node) {
  const YAML::Node list = node.Raw("logs");
  if (!list.IsDefined() || list.IsNull()) {
    node.Fail("a log_host needs 'logs': a list like [{topic: orders, partition: 0}]");
  }
  if (!list.IsSequence() || list.size() == 0) {
    node.FailAt("logs", "'logs' is a non-empty list like [{topic: orders, partition: 0}]");
  }
  constexpr size_t kMaxLogs = 1000;
  if (list.size() > kMaxLogs) {
    node.FailAt("logs", "a log_host holds at most " + std::to_string(kMaxLogs) + " logs");
  }
  std::vector<HostedLogSpec> specs;
  for (const YAML::Node& item : list) {
    Args log(node.file(), item, "log");
    HostedLogSpec spec;
    spec.topic = log.GetString("topic");
    if (KafkaError error = ValidateTopicName(spec.topic); !error.ok()) {
      log.FailAt("topic", error.message());
    }
    const int64_t partition = log.GetInteger("partition", 0);
    if (partition < 0 || partition > INT32_MAX) {
      log.FailAt("partition", "a partition is an integer from 0 to 2147483647");
    }
    spec.partition = static_cast<int32_t>(partition);
    spec.config = ParseConfig(node.file(), log.Raw("config"));
    for (const HostedLogSpec& other : specs) {
      if (other.Name() == spec.Name()) {
        log.FailAt("topic", "the log " + spec.Name() + " is declared twice");
      }
    }
    log.Finish();
    specs.push_back(std::move(spec));
  }
  return specs;
}

void RegisterNodeKind(ScenarioRegistry& registry) {
  registry.AddNodeKind(
      "log_host", "storage",
      {"A machine holding partition logs on its disk, before brokers exist: opens (recovers) "
       "them on start, runs retention and the cleaner, closes them on a clean stop.",
       "logs: [{topic: NAME, [partition: INTEGER=0], [config: {KAFKA_CONFIG: VALUE, ...}]}]"},
      [](Args& args, ParseScope&) -> ProcessFactory {
        std::vector<HostedLogSpec> specs = ParseHostedLogs(args);
        return [specs](Env& env) -> std::unique_ptr<Process> {
          return std::make_unique<LogHost>(env, specs);
        };
      });
}

// ---- actions ----

LogAppendRequest ParseAppendRequest(Args& args) {
  LogAppendRequest request;
  request.batches = args.GetInteger("count", 1);
  if (request.batches < 1 || request.batches > 100000) {
    args.FailAt("count", "count (batches) is an integer from 1 to 100000");
  }
  request.records_per_batch = args.GetInteger("records_per_batch", 1);
  if (request.records_per_batch < 1 || request.records_per_batch > 10000) {
    args.FailAt("records_per_batch", "records_per_batch is an integer from 1 to 10000");
  }
  if (args.Has("key") && args.Has("key_count")) {
    args.FailAt("key_count", "give either 'key' or 'key_count', not both");
  }
  if (args.Has("key")) request.key = args.GetString("key");
  request.key_count = args.GetInteger("key_count", 0);
  if (request.key_count < 0 || request.key_count > 1000000) {
    args.FailAt("key_count", "key_count is an integer from 0 (null keys) to 1000000");
  }
  const bool has_value = args.Has("value");
  const bool has_value_bytes = args.Has("value_bytes");
  request.tombstone = args.GetBool("tombstone", false);
  if (has_value && has_value_bytes) {
    args.FailAt("value_bytes", "give either 'value' or 'value_bytes', not both");
  }
  if (request.tombstone && (has_value || has_value_bytes)) {
    args.FailAt("tombstone", "a tombstone has no value: drop 'value'/'value_bytes'");
  }
  if (has_value) request.value = args.GetString("value");
  request.value_stream = args.GetString("value_stream", "");
  if (has_value && !request.value_stream.empty()) {
    args.FailAt("value_stream",
                "'value_stream' names where generated values come from; "
                "with an explicit 'value' there is nothing to generate");
  }
  request.value_bytes = args.GetSize("value_bytes", 100);
  if (request.value_bytes < 0 || request.value_bytes > (int64_t{1} << 20)) {
    args.FailAt("value_bytes", "value_bytes is a size from 0 to 1MiB");
  }
  const std::string codec = args.GetChoice("compression", {"none", "gzip", "lz4", "zstd"}, "none");
  request.compression = *ParseCompressionName(codec);
  const int64_t epoch = args.GetInteger("leader_epoch", 0);
  if (epoch < 0 || epoch > INT32_MAX) {
    args.FailAt("leader_epoch", "leader_epoch is an integer from 0 to 2147483647");
  }
  request.leader_epoch = static_cast<int32_t>(epoch);
  return request;
}

void RegisterActions(ScenarioRegistry& registry) {
  registry.AddAction(
      "append",
      {"Appends batches to a log as its leader, timestamped with the node's wall clock.",
       Keys("[count: INTEGER=1 (batches)], [records_per_batch: INTEGER=1], "
            "[key_count: INTEGER=0 (null keys)] | [key: TEXT], [value_bytes: SIZE=100] | "
            "[value: TEXT] | [tombstone: BOOL], [value_stream: NAME (default: the log)], "
            "[compression: none|gzip|lz4|zstd], "
            "[leader_epoch: INTEGER=0]")},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        LogRef ref = ParseLogRef(args, scope);
        const LogAppendRequest request = ParseAppendRequest(args);
        return std::make_unique<LogAction>(std::move(ref),
                                           [request](ScenarioRun&, const Resolved& r) {
                                             return r.host->Append(*r.hosted, request);
                                           });
      });
  registry.AddAction("flush",
                     {"fsyncs the log up to its end (moves the recovery point).", Keys("")},
                     [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
                       return std::make_unique<LogAction>(
                           ParseLogRef(args, scope),
                           [](ScenarioRun&, const Resolved& r) { return r.hosted->log->Flush(); });
                     });
  registry.AddAction(
      "delete_records",
      {"DeleteRecords: raises the log start offset (never above the high watermark).",
       Keys("offset: INTEGER")},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        LogRef ref = ParseLogRef(args, scope);
        const int64_t offset = args.GetInteger("offset");
        if (offset < 0) args.FailAt("offset", "offset is an integer >= 0");
        return std::make_unique<LogAction>(
            std::move(ref), [offset](ScenarioRun&, const Resolved& r) {
              return r.hosted->log->IncrementLogStartOffset(offset, r.hosted->HighWatermark());
            });
      });
  registry.AddAction(
      "set_high_watermark",
      {"Sets the high watermark retention and compaction respect (-1: follow the LEO again).",
       Keys("offset: INTEGER")},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        LogRef ref = ParseLogRef(args, scope);
        const int64_t offset = args.GetInteger("offset");
        if (offset < -1) args.FailAt("offset", "offset is -1 (the LEO) or an integer >= 0");
        return std::make_unique<LogAction>(std::move(ref),
                                           [offset](ScenarioRun&, const Resolved& r) {
                                             return r.host->SetHighWatermark(*r.hosted, offset);
                                           });
      });
  registry.AddAction(
      "run_retention",
      {"Runs the retention task on the log now, instead of waiting for its interval.", Keys("")},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        return std::make_unique<LogAction>(ParseLogRef(args, scope),
                                           [](ScenarioRun&, const Resolved& r) {
                                             r.hosted->retention->RunOnce();
                                             return KafkaError::None();
                                           });
      });
  registry.AddAction(
      "run_cleaner",
      {"Compacts the log now, whatever its dirty ratio (cleanup.policy must include compact).",
       Keys("")},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        return std::make_unique<LogAction>(
            ParseLogRef(args, scope), [](ScenarioRun&, const Resolved& r) {
              if (r.hosted->cleaner == nullptr) {
                return KafkaError(ErrorCode::kInvalidRequest,
                                  "the log " + r.hosted->spec.Name() +
                                      " is not compacted (cleanup.policy=" +
                                      r.hosted->spec.config.CleanupPolicyName() + ")");
              }
              CleanResult result;
              return r.hosted->cleaner->Clean(*r.hosted->log, r.hosted->HighWatermark(), &result);
            });
      });
}

// ---- probes ----

using NumberOf = std::function<int64_t(ScenarioRun&, const Resolved&)>;

void AddNumberProbe(ScenarioRegistry& registry, const std::string& name, const char* summary,
                    NumberOf number) {
  registry.AddProbe(name, {summary, Keys("")},
                    [name, number](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      LogRef ref = ParseLogRef(args, scope);
                      const std::string description = name + "(" + ref.Describe() + ")";
                      return std::make_unique<LogProbe>(
                          description, std::move(ref), false,
                          [number](ScenarioRun& run, const Resolved& r) {
                            return ProbeValue::Number(number(run, r));
                          });
                    });
}

// A probe about the batch that holds `offset`: -1 if the offset is out of range.
using BatchFact = std::function<int64_t(ScenarioRun&, const Resolved&, int64_t offset)>;

void AddOffsetProbe(ScenarioRegistry& registry, const std::string& name, const char* summary,
                    BatchFact fact) {
  registry.AddProbe(name, {summary, Keys("offset: INTEGER")},
                    [name, fact](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      LogRef ref = ParseLogRef(args, scope);
                      const int64_t offset = args.GetInteger("offset");
                      const std::string description =
                          name + "(" + ref.Describe() + " @" + std::to_string(offset) + ")";
                      return std::make_unique<LogProbe>(
                          description, std::move(ref), false,
                          [fact, offset](ScenarioRun& run, const Resolved& r) {
                            return ProbeValue::Number(fact(run, r, offset));
                          });
                    });
}

SimDisk& DiskOf(ScenarioRun& run, const Resolved& r) { return run.world().disk(r.node); }

void RegisterProbes(ScenarioRegistry& registry) {
  AddNumberProbe(registry, "segment_count", "Segments of the log (the active one included).",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->log->segment_count(); });
  AddNumberProbe(registry, "log_start_offset", "The log start offset.",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->log->log_start_offset(); });
  AddNumberProbe(registry, "log_end_offset", "The log end offset (LEO): the next offset.",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->log->log_end_offset(); });
  AddNumberProbe(registry, "high_watermark", "The high watermark in force (the LEO unless set).",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->HighWatermark(); });
  AddNumberProbe(registry, "recovery_point",
                 "Offsets below it are fsynced (they survive a power loss).",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->log->recovery_point(); });
  AddNumberProbe(registry, "log_size_bytes", "Bytes of the log's segment files.",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->log->size_bytes(); });
  AddNumberProbe(registry, "index_entries", "Offset-index entries over all segments.",
                 [](ScenarioRun&, const Resolved& r) {
                   int64_t entries = 0;
                   for (const Segment* segment : r.hosted->log->segments()) {
                     entries += static_cast<int64_t>(segment->offset_index().entries().size());
                   }
                   return entries;
                 });
  AddNumberProbe(registry, "record_count",
                 "Records a consumer reading from the log start would get (compaction and "
                 "retention remove some; none from a batch whose CRC fails, nor after it).",
                 [](ScenarioRun& run, const Resolved& r) {
                   int64_t count = 0;
                   const bool ok = ForEachLiveRecord(DiskOf(run, r), *r.hosted->log,
                                                     [&](const Record&) { ++count; });
                   return ok ? count : -1;
                 });
  AddNumberProbe(
      registry, "bytes_lost_in_recovery", "Bytes the last Open dropped (torn or corrupt tail).",
      [](ScenarioRun&, const Resolved& r) { return r.hosted->log->last_recovery().bytes_dropped; });
  AddNumberProbe(registry, "batches_lost_in_recovery",
                 "Batch frames the last Open dropped (a lower bound: garbage has no frames).",
                 [](ScenarioRun&, const Resolved& r) {
                   return r.hosted->log->last_recovery().batches_dropped;
                 });
  AddNumberProbe(registry, "compressed_bytes",
                 "Batch bytes this incarnation appended, as written (compressed).",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->compressed_bytes; });
  AddNumberProbe(registry, "uncompressed_bytes", "The same batches' size without compression.",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->uncompressed_bytes; });
  AddNumberProbe(registry, "records_appended", "Records this incarnation appended.",
                 [](ScenarioRun&, const Resolved& r) { return r.hosted->appended_records; });

  registry.AddProbe(
      "latest_value",
      {"The value of the latest record with the key: its text, <tombstone> or <none>.",
       Keys("key: TEXT")},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        LogRef ref = ParseLogRef(args, scope);
        const std::string key = args.GetString("key");
        const std::string description = "latest_value(" + ref.Describe() + " " + key + ")";
        return std::make_unique<LogProbe>(
            description, std::move(ref), true, [key](ScenarioRun& run, const Resolved& r) {
              std::optional<std::optional<std::string>> latest;  // outer: found; inner: value
              const bool ok =
                  ForEachLiveRecord(DiskOf(run, r), *r.hosted->log, [&](const Record& record) {
                    if (record.key != key) return;
                    latest =
                        record.value ? std::optional<std::string>(*record.value) : std::nullopt;
                  });
              if (!ok) return ProbeValue::Text("<unreadable>");
              if (!latest) return ProbeValue::Text("<none>");
              return ProbeValue::Text(latest->value_or("<tombstone>"));
            });
      });

  AddOffsetProbe(registry, "batch_base_offset",
                 "The base offset of the batch a fetch at `offset` returns first (-1: out of "
                 "range).",
                 [](ScenarioRun& run, const Resolved& r, int64_t offset) -> int64_t {
                   FreeReads free_reads(DiskOf(run, r));
                   LogReadResult result;
                   if (!r.hosted->log->Read(offset, 1, INT64_MAX, &result).ok()) return -1;
                   BatchHeader header;
                   if (!BatchHeader::Parse(result.records, &header).ok()) return -1;
                   return header.base_offset();
                 });
  AddOffsetProbe(registry, "batch_position",
                 "The byte position in its segment of the batch holding `offset` (-1: out of "
                 "range).",
                 [](ScenarioRun& run, const Resolved& r, int64_t offset) -> int64_t {
                   FreeReads free_reads(DiskOf(run, r));
                   int64_t segment = 0;
                   int32_t position = 0;
                   if (!r.hosted->log->Locate(offset, &segment, &position).ok()) return -1;
                   return position;
                 });
  AddOffsetProbe(registry, "segment_base_offset",
                 "The base offset of the segment holding `offset` (-1: out of range).",
                 [](ScenarioRun& run, const Resolved& r, int64_t offset) -> int64_t {
                   FreeReads free_reads(DiskOf(run, r));
                   int64_t segment = 0;
                   int32_t position = 0;
                   if (!r.hosted->log->Locate(offset, &segment, &position).ok()) return -1;
                   return segment;
                 });
}

void RegisterSummary(ScenarioRegistry& registry) {
  registry.AddSummary([](ScenarioRun& run, std::vector<std::string>* lines) {
    World& world = run.world();
    for (NodeId id = 0; id < world.node_count(); ++id) {
      LogHost* host = world.ProcessAs<LogHost>(id);
      if (host == nullptr) continue;
      for (const auto& hosted : host->logs()) {
        std::string line = "log        " + world.NodeName(id) + ":" + hosted->spec.Name() + " ";
        if (hosted->log == nullptr) {
          line += "did not open: " + hosted->open_error.ToString();
        } else {
          const Log& log = *hosted->log;
          line += std::to_string(log.segment_count()) + " segments, offsets " +
                  std::to_string(log.log_start_offset()) + ".." +
                  std::to_string(log.log_end_offset()) + " (start..end), " +
                  std::to_string(log.size_bytes()) + " bytes";
          if (log.offline()) line += ", OFFLINE";
        }
        lines->push_back(std::move(line));
      }
    }
  });
}

}  // namespace

void RegisterLogVocabulary(ScenarioRegistry& registry) {
  registry.events().Add<ev::LogHostOpenFailed, ev::LogHostCloseFailed>();
  registry.events()
      .Add<ev::LogOpen, ev::LogAppend, ev::LogIndexEntry, ev::LogRoll, ev::LogFlush,
           ev::LogRetentionDelete, ev::LogStartOffset, ev::LogTruncate, ev::LogRecovery,
           ev::LogClean, ev::LogClose, ev::LogOffline>();
  RegisterNodeKind(registry);
  RegisterActions(registry);
  RegisterProbes(registry);
  RegisterSummary(registry);
}

}  // namespace ks
