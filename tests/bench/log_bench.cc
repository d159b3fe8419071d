// Benchmarks of the partition log (issue 3's performance targets):
// - BM_AppendAndReadBack: 100-byte records in batches of 100, encoded (BatchBuilder into a
//   reused buffer, CRC-32C), appended uncompressed to a Log on a SimDisk, then read back by
//   offset and every record decoded. Bytes/s counts record payload (keys + values); target
//   >= 1 GB/s.
// - BM_EncodeAppend and BM_ReadDecode: the two halves on their own.
// - BM_IndexLookup: locating the batch of a random offset in a 1 GiB log (segment map, offset
//   index binary search, forward scan); target <= 1 us.
// Tracing is off (FakeEnv::tracing = false), as in a benchmark run of the simulator.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "model/env/check.h"
#include "model/env/rng.h"
#include "model/log/batch_scanner.h"
#include "model/log/log.h"
#include "model/log/record_batch.h"
#include "tests/support/fake_env.h"

namespace ks {
namespace {

constexpr int kRecordsPerBatch = 100;
constexpr int kValueBytes = 92;  // + an 8-byte key = 100 bytes of payload per record
constexpr int64_t kPayloadBytesPerRecord = 100;

struct Fixture {
  explicit Fixture(LogConfig config = {}) {
    env.tracing = false;
    KS_CHECK(Log::Open(env, "bench", 0, config, &log).ok());
    value.assign(kValueBytes, 'v');
    keys.resize(kRecordsPerBatch);
    for (int i = 0; i < kRecordsPerBatch; ++i) {
      keys[i] = "key" + std::to_string(10000 + i);
    }
  }
  void Encode(int64_t timestamp_ms) {
    builder.Start(BatchOptions(), &batch);
    for (int i = 0; i < kRecordsPerBatch; ++i) {
      RecordInput record;
      record.key = std::string_view(keys[i]);
      record.value = std::string_view(value);
      record.timestamp_ms = timestamp_ms;
      builder.Add(record);
    }
    KS_CHECK(builder.Finish().ok());
  }
  void Append() {
    LogAppendInfo info;
    KS_CHECK(log->AppendAsLeader(&batch, 0, &info).ok());
  }
  // Reads from `offset` and decodes every record; returns the next offset.
  int64_t ReadDecode(int64_t offset, int64_t* checksum) {
    KS_CHECK(log->Read(offset, 1 << 20, INT64_MAX, &read).ok());
    int64_t next = offset;
    BatchScanner scanner(read.records, BatchCheck::kValidated);
    BatchHeader header;
    while (scanner.Next(&header)) {
      KS_CHECK(reader.Open(header).ok());
      Record record;
      while (reader.Next(&record)) *checksum += static_cast<int64_t>(record.value->size());
      KS_CHECK(reader.status().ok());
      next = header.next_offset();
    }
    KS_CHECK(scanner.at_end());
    return next;
  }
  // Keeps the simulated disk bounded: retention by size drops the oldest segments.
  void MaybeReset() {
    if (log->segment_count() > 4) {
      int32_t deleted = 0;
      KS_CHECK(log->DeleteOldSegments(log->log_end_offset(), &deleted).ok());
    }
  }

  testing::FakeEnv env;
  std::unique_ptr<Log> log;
  std::string value;
  std::vector<std::string> keys;
  std::string batch;
  BatchBuilder builder;
  BatchReader reader;
  LogReadResult read;
};

// state.range(0): segment.bytes in MiB. SimDisk stores files in 2 MiB chunks that deleted
// segments give back to a per-disk pool: with 16 MiB segments the run soon reuses pooled chunks;
// a 1 GiB segment is not filled within a default run, so that case pays for fresh memory (page
// faults) for every byte appended.
LogConfig BenchConfig(const benchmark::State& state) {
  LogConfig config;
  config.segment_bytes = state.range(0) << 20;
  config.retention_bytes = 3 * config.segment_bytes;
  config.retention_ms = -1;
  return config;
}

void BM_AppendAndReadBack(benchmark::State& state) {
  Fixture f(BenchConfig(state));
  // range(1) = 1: the steady state of a long run, whose deleted segments' memory the disk reuses;
  // 0: every appended byte lands in memory the process never touched before.
  if (state.range(1) == 1) f.env.disk().PrefillChunkPool(int64_t{5} << 30);
  int64_t checksum = 0;
  for (auto _ : state) {
    const int64_t offset = f.log->log_end_offset();
    f.Encode(1000);
    f.Append();
    f.ReadDecode(offset, &checksum);
    f.MaybeReset();
  }
  benchmark::DoNotOptimize(checksum);
  state.SetBytesProcessed(state.iterations() * kRecordsPerBatch * kPayloadBytesPerRecord);
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
}
BENCHMARK(BM_AppendAndReadBack)
    ->ArgNames({"segment_mib", "warm"})
    ->Args({16, 0})
    ->Args({1024, 0})
    ->Args({1024, 1});

void BM_EncodeAppend(benchmark::State& state) {
  Fixture f(BenchConfig(state));
  if (state.range(1) == 1) f.env.disk().PrefillChunkPool(int64_t{5} << 30);
  for (auto _ : state) {
    f.Encode(1000);
    f.Append();
    f.MaybeReset();
  }
  state.SetBytesProcessed(state.iterations() * kRecordsPerBatch * kPayloadBytesPerRecord);
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
}
BENCHMARK(BM_EncodeAppend)
    ->ArgNames({"segment_mib", "warm"})
    ->Args({16, 0})
    ->Args({1024, 0})
    ->Args({1024, 1});

void BM_ReadDecode(benchmark::State& state) {
  Fixture f;
  for (int i = 0; i < 1000; ++i) {
    f.Encode(1000);
    f.Append();
  }
  int64_t checksum = 0;
  int64_t offset = 0;
  for (auto _ : state) {
    offset = f.ReadDecode(offset, &checksum);
    if (offset >= f.log->log_end_offset()) offset = 0;
  }
  benchmark::DoNotOptimize(checksum);
  // Each read returns up to 1 MiB of whole batches; count what was decoded.
  state.SetBytesProcessed(checksum / kValueBytes * kPayloadBytesPerRecord);
}
BENCHMARK(BM_ReadDecode);

void BM_IndexLookup(benchmark::State& state) {
  static Fixture* f = [] {
    auto* fixture = new Fixture();
    fixture->Encode(1000);
    const std::string encoded = fixture->batch;
    while (fixture->log->size_bytes() < (int64_t{1} << 30)) {
      fixture->batch = encoded;
      fixture->Append();
    }
    return fixture;
  }();
  Rng rng(42);
  const int64_t end = f->log->log_end_offset();
  int64_t base = 0;
  int32_t position = 0;
  for (auto _ : state) {
    const int64_t offset = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(end)));
    KS_CHECK(f->log->Locate(offset, &base, &position).ok());
    benchmark::DoNotOptimize(position);
  }
  int64_t index_entries = 0;
  for (const Segment* segment : f->log->segments()) {
    index_entries += static_cast<int64_t>(segment->offset_index().entries().size());
  }
  state.counters["log_bytes"] = static_cast<double>(f->log->size_bytes());
  state.counters["segments"] = static_cast<double>(f->log->segment_count());
  state.counters["index_entries"] = static_cast<double>(index_entries);
}
BENCHMARK(BM_IndexLookup);

}  // namespace
}  // namespace ks
