#include "sim/vocabulary/log_dump.h"

#include <cstdio>

#include "model/log/batch_scanner.h"
#include "model/log/compression.h"
#include "model/log/offset_index.h"
#include "model/log/record_batch.h"
#include "model/log/time_index.h"

namespace ks {

namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The name without a transient suffix of the cleaner (".cleaned", ".swap").
std::string_view WithoutTransientSuffix(std::string_view path) {
  for (std::string_view suffix : {".cleaned", ".swap"}) {
    if (EndsWith(path, suffix)) return path.substr(0, path.size() - suffix.size());
  }
  return path;
}

const char* Bool(bool value) { return value ? "true" : "false"; }

// One batch's line, in kafka-dump-log.sh's order of fields.
void PrintBatchLine(const BatchHeader& header, int64_t position, const Status& validity,
                    std::ostream& out) {
  const int32_t base_sequence = header.base_sequence();
  const int32_t last_sequence = base_sequence < 0 ? -1 : base_sequence + header.last_offset_delta();
  const std::optional<int64_t> horizon = header.delete_horizon_ms();
  out << "baseOffset: " << header.base_offset() << " lastOffset: " << header.last_offset()
      << " count: " << header.record_count() << " baseSequence: " << base_sequence
      << " lastSequence: " << last_sequence << " producerId: " << header.producer_id()
      << " producerEpoch: " << header.producer_epoch()
      << " partitionLeaderEpoch: " << header.partition_leader_epoch()
      << " isTransactional: " << Bool(header.is_transactional())
      << " isControl: " << Bool(header.is_control())
      << " deleteHorizonMs: " << (horizon ? std::to_string(*horizon) : std::string("none"))
      << " position: " << position << " "
      << (header.timestamp_type() == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime")
      << ": " << header.max_timestamp_ms() << " size: " << header.size_bytes()
      << " magic: " << static_cast<int>(header.magic()) << " compresscodec: "
      << (static_cast<int>(header.compression()) <= static_cast<int>(CompressionType::kZstd)
              ? std::string(CompressionName(header.compression()))
              : "unknown(" + std::to_string(static_cast<int>(header.compression())) + ")")
      << " crc: " << header.crc() << " isvalid: " << Bool(validity.ok());
  if (!validity.ok()) out << " (" << validity.message() << ")";
  out << "\n";
}

void PrintRecords(const BatchHeader& header, std::ostream& out, LogDumpSummary* summary) {
  BatchReader reader;
  Status status = reader.Open(header);
  Record record;
  while (status.ok() && reader.Next(&record)) {
    ++summary->records;
    const int32_t sequence =
        header.base_sequence() < 0
            ? -1
            : header.base_sequence() + static_cast<int32_t>(record.offset - header.base_offset());
    std::string header_keys;
    const Status headers_status =
        ForEachHeader(record.header_count, record.raw_headers,
                      [&](std::string_view key, const std::optional<std::string_view>&) {
                        header_keys += (header_keys.empty() ? "" : ",") + PrintableOrHex(key);
                      });
    out << "| offset: " << record.offset << " "
        << (header.timestamp_type() == TimestampType::kLogAppendTime ? "LogAppendTime"
                                                                     : "CreateTime")
        << ": " << record.timestamp_ms
        << " keySize: " << (record.key ? static_cast<int64_t>(record.key->size()) : -1)
        << " valueSize: " << (record.value ? static_cast<int64_t>(record.value->size()) : -1)
        << " sequence: " << sequence << " headerKeys: ["
        << (headers_status.ok() ? header_keys : "<malformed>") << "]"
        << " key: " << (record.key ? PrintableOrHex(*record.key) : "null")
        << " payload: " << (record.value ? PrintableOrHex(*record.value) : "null") << "\n";
  }
  if (status.ok()) status = reader.status();
  if (!status.ok()) out << "| records unreadable: " << status.message() << "\n";
}

// Reports the bytes from `position` on as unframeable and ends the dump.
void ReportInvalidTail(int64_t position, int64_t remaining, const std::string& why,
                       std::ostream& out, LogDumpSummary* summary) {
  summary->invalid_bytes += remaining;
  out << "Found " << remaining << " invalid bytes at position " << position << ": " << why << "\n";
}

}  // namespace

LogFileKind LogFileKindOf(std::string_view path) {
  const std::string_view name = WithoutTransientSuffix(path);
  if (EndsWith(name, ".log")) return LogFileKind::kSegment;
  if (EndsWith(name, ".timeindex")) return LogFileKind::kTimeIndex;
  if (EndsWith(name, ".index")) return LogFileKind::kOffsetIndex;
  if (EndsWith(name, "leader-epoch-checkpoint")) return LogFileKind::kEpochCheckpoint;
  for (std::string_view file :
       {"recovery-point-offset-checkpoint", "replication-offset-checkpoint",
        "log-start-offset-checkpoint", "cleaner-offset-checkpoint"}) {
    if (EndsWith(name, file)) return LogFileKind::kOffsetCheckpoint;
  }
  return LogFileKind::kOther;
}

int64_t BaseOffsetOfFileName(std::string_view path) {
  const size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  constexpr size_t kDigits = 20;
  if (name.size() < kDigits) return 0;
  int64_t base = 0;
  for (size_t i = 0; i < kDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    // 20 digits can exceed int64; such a name is not a segment of ours.
    if (base > (INT64_MAX - (name[i] - '0')) / 10) return 0;
    base = base * 10 + (name[i] - '0');
  }
  return base;
}

std::string PrintableOrHex(std::string_view bytes) {
  bool printable = true;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 || u > 0x7e) && c != '\n' && c != '\t') {
      printable = false;
      break;
    }
  }
  std::string out;
  if (printable) {
    for (char c : bytes) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\\') {
        out += "\\\\";
      } else {
        out += c;
      }
    }
    return out;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out = "0x";
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += kHex[u >> 4];
    out += kHex[u & 15];
  }
  return out;
}

// Why the bytes from where a scan stopped cannot be framed, in dump-log's words.
std::string TailProblem(const BatchScanner& scanner) {
  const int64_t remaining = scanner.remaining_bytes();
  if (remaining < kRecordBatchOverhead) {
    return "truncated batch (" + std::to_string(remaining) + " bytes left, a batch header needs " +
           std::to_string(kRecordBatchOverhead) + ")";
  }
  switch (scanner.stop()) {
    case BatchScanStop::kCorruptLength:
      return "impossible batch length " +
             std::to_string(scanner.stopped_size_bytes() - kLogOverhead);
    case BatchScanStop::kIncomplete:
      return "truncated batch (its batchLength needs " +
             std::to_string(scanner.stopped_size_bytes()) + " bytes, " + std::to_string(remaining) +
             " are left)";
    default:
      // Without a valid magic the length field is not to be trusted either: stop here, as
      // recovery does.
      return "unreadable batch header: " + scanner.status().message();
  }
}

void DumpSegment(std::string_view bytes, const LogDumpOptions& options, std::ostream& out,
                 LogDumpSummary* summary) {
  // Framing only: a batch with a bad CRC is reported and the dump goes on with the next frame.
  BatchScanner scanner(bytes);
  BatchHeader header;
  while (scanner.Next(&header)) {
    const Status validity = ValidateBatch(header);
    ++summary->batches;
    if (!validity.ok()) ++summary->invalid_batches;
    PrintBatchLine(header, scanner.position(), validity, out);
    if (options.print_data_log) {
      PrintRecords(header, out, summary);
    } else {
      summary->records += header.record_count() < 0 ? 0 : header.record_count();
    }
  }
  if (!scanner.at_end()) {
    ReportInvalidTail(scanner.position(), scanner.remaining_bytes(), TailProblem(scanner), out,
                      summary);
  }
}

void DumpOffsetIndex(int64_t base_offset, std::string_view bytes, std::ostream& out,
                     LogDumpSummary* summary) {
  const auto size = static_cast<int64_t>(bytes.size());
  int64_t previous_offset = -1;
  int64_t position = 0;
  for (; position + kOffsetIndexEntryBytes <= size; position += kOffsetIndexEntryBytes) {
    const char* p = bytes.data() + position;
    const int64_t offset = base_offset + static_cast<int32_t>(GetFixed32(p));
    const auto file_position = static_cast<int32_t>(GetFixed32(p + 4));
    out << "offset: " << offset << " position: " << file_position;
    if (offset <= previous_offset) out << " (not above the previous entry: corrupt index)";
    out << "\n";
    previous_offset = offset;
    ++summary->entries;
  }
  if (position < size) {
    ReportInvalidTail(position, size - position, "not a whole index entry", out, summary);
  }
}

void DumpTimeIndex(int64_t base_offset, std::string_view bytes, std::ostream& out,
                   LogDumpSummary* summary) {
  const auto size = static_cast<int64_t>(bytes.size());
  int64_t previous_timestamp = INT64_MIN;
  int64_t position = 0;
  for (; position + kTimeIndexEntryBytes <= size; position += kTimeIndexEntryBytes) {
    const char* p = bytes.data() + position;
    const auto timestamp = static_cast<int64_t>(GetFixed64(p));
    const int64_t offset = base_offset + static_cast<int32_t>(GetFixed32(p + 8));
    out << "timestamp: " << timestamp << " offset: " << offset;
    if (timestamp <= previous_timestamp) out << " (not above the previous entry: corrupt index)";
    out << "\n";
    previous_timestamp = timestamp;
    ++summary->entries;
  }
  if (position < size) {
    ReportInvalidTail(position, size - position, "not a whole time-index entry", out, summary);
  }
}

}  // namespace ks
