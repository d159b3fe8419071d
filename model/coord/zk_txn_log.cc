#include "model/coord/zk_txn_log.h"

#include <utility>

#include "model/log/crc32c.h"

namespace ks {

namespace {

void PutU32(std::string* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}
void PutU64(std::string* out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}
void PutString(std::string* out, std::string_view text) {
  PutU32(out, static_cast<uint32_t>(text.size()));
  out->append(text);
}

// Reads little-endian fields from a byte string; any read past the end makes it !ok().
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && position_ == bytes_.size(); }
  uint64_t Unsigned(int width) {
    if (!Has(static_cast<size_t>(width))) return 0;
    uint64_t value = 0;
    for (int i = 0; i < width; ++i) {
      value |= uint64_t{static_cast<unsigned char>(bytes_[position_ + i])} << (8 * i);
    }
    position_ += static_cast<size_t>(width);
    return value;
  }
  std::string String() {
    const uint64_t length = Unsigned(4);
    if (!Has(length)) return {};
    std::string text(bytes_.substr(position_, length));
    position_ += length;
    return text;
  }

 private:
  bool Has(uint64_t count) {
    if (!ok_ || bytes_.size() - position_ < count) ok_ = false;
    return ok_;
  }
  std::string_view bytes_;
  size_t position_ = 0;
  bool ok_ = true;
};

constexpr uint8_t kEphemeralFlag = 1;
constexpr uint8_t kSequentialFlag = 2;

}  // namespace

std::string EncodeZkTxn(const ZkTxn& txn) {
  std::string out;
  out.push_back(static_cast<char>(txn.type));
  PutU64(&out, static_cast<uint64_t>(txn.zxid));
  PutU64(&out, static_cast<uint64_t>(txn.time_ms));
  PutU64(&out, static_cast<uint64_t>(txn.session_id));
  PutU32(&out, static_cast<uint32_t>(txn.session_timeout_ms));
  PutU32(&out, static_cast<uint32_t>(txn.ops.size()));
  for (const ZkOp& op : txn.ops) {
    out.push_back(static_cast<char>(op.type));
    out.push_back(static_cast<char>((op.ephemeral ? kEphemeralFlag : 0) |
                                    (op.sequential ? kSequentialFlag : 0)));
    PutU32(&out, static_cast<uint32_t>(op.version));
    PutString(&out, op.path);
    PutString(&out, op.data);
  }
  return out;
}

bool DecodeZkTxn(std::string_view payload, ZkTxn* txn) {
  Reader reader(payload);
  const uint64_t type = reader.Unsigned(1);
  if (type < 1 || type > 3) return false;
  txn->type = static_cast<ZkTxnType>(type);
  txn->zxid = static_cast<int64_t>(reader.Unsigned(8));
  txn->time_ms = static_cast<int64_t>(reader.Unsigned(8));
  txn->session_id = static_cast<int64_t>(reader.Unsigned(8));
  txn->session_timeout_ms = static_cast<int32_t>(reader.Unsigned(4));
  const uint64_t op_count = reader.Unsigned(4);
  if (!reader.ok() || op_count > payload.size()) return false;
  txn->ops.clear();
  for (uint64_t i = 0; i < op_count && reader.ok(); ++i) {
    ZkOp op;
    const uint64_t op_type = reader.Unsigned(1);
    if (op_type < 1 || op_type > 9) return false;
    op.type = static_cast<ZkOpType>(op_type);
    const uint64_t flags = reader.Unsigned(1);
    op.ephemeral = (flags & kEphemeralFlag) != 0;
    op.sequential = (flags & kSequentialFlag) != 0;
    op.version = static_cast<int32_t>(reader.Unsigned(4));
    op.path = reader.String();
    op.data = reader.String();
    txn->ops.push_back(std::move(op));
  }
  return reader.done();
}

Status ZkTxnLog::Append(const ZkTxn& txn) {
  const std::string payload = EncodeZkTxn(txn);
  std::string record;
  record.reserve(kHeaderBytes + payload.size());
  PutU32(&record, static_cast<uint32_t>(payload.size()));
  PutU32(&record, Crc32c(payload));
  record.append(payload);
  return disk_.Append(path_, record);
}

Status ZkTxnLog::Sync() { return force_sync_ ? disk_.Fsync(path_) : Status::Ok(); }

Status ZkTxnLog::Replay(const std::function<void(const ZkTxn&)>& apply, ZkReplayStats* stats) {
  *stats = ZkReplayStats{};
  const int64_t size = disk_.Size(path_);
  if (size < 0) return Status::Ok();
  std::string bytes;
  Status status = disk_.Read(path_, 0, size, &bytes);
  if (!status.ok()) return status;
  int64_t position = 0;
  while (size - position >= kHeaderBytes) {
    Reader header(std::string_view(bytes).substr(static_cast<size_t>(position), kHeaderBytes));
    const int64_t length = static_cast<int64_t>(header.Unsigned(4));
    const uint32_t crc = static_cast<uint32_t>(header.Unsigned(4));
    if (length > kMaxRecordBytes || size - position - kHeaderBytes < length) break;
    const std::string_view payload = std::string_view(bytes).substr(
        static_cast<size_t>(position + kHeaderBytes), static_cast<size_t>(length));
    ZkTxn txn;
    if (Crc32c(payload) != crc || !DecodeZkTxn(payload, &txn)) break;
    apply(txn);
    stats->transactions++;
    position += kHeaderBytes + length;
  }
  stats->valid_bytes = position;
  stats->dropped_bytes = size - position;
  if (stats->dropped_bytes > 0) return disk_.Truncate(path_, position);
  return Status::Ok();
}

}  // namespace ks
