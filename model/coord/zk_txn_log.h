// ZkTxnLog: the coordination server's transaction log, one file on the node's disk, replayed at
// start to rebuild the tree and the sessions (ZooKeeper's log.<zxid> files, without snapshots).
//
// Every transaction — a session created, a session closed or expired, a write (one op or a
// multi, already validated, with sequential names resolved) — is one record:
//   u32 payload_length | u32 crc32c(payload) | payload          (little-endian)
//   payload = u8 type | i64 zxid | i64 time_ms | i64 session_id | i32 session_timeout_ms
//             | u32 op_count | op*
//   op      = u8 op_type | u8 flags (1 ephemeral, 2 sequential) | i32 version
//             | u32 path_length | path | u32 data_length | data
// Replay reads records in order and stops at the first one that is cut short or fails its
// checksum (a torn tail left by a crash), then truncates the file there so later appends follow
// an intact record. The format is also written down in docs/trace-schema.md ("The transaction
// log").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/coord/zk_protocol.h"
#include "model/env/disk.h"
#include "model/env/status.h"

namespace ks {

enum class ZkTxnType : uint8_t {
  kCreateSession = 1,
  kCloseSession = 2,  // closed by the client, or expired
  kWrite = 3,
};

struct ZkTxn {
  ZkTxnType type = ZkTxnType::kWrite;
  int64_t zxid = 0;
  int64_t time_ms = 0;
  int64_t session_id = 0;
  int32_t session_timeout_ms = 0;  // kCreateSession
  std::vector<ZkOp> ops;           // kWrite: Create / Delete / SetData / Check

  bool operator==(const ZkTxn&) const = default;
};

// The payload of one record (no framing).
std::string EncodeZkTxn(const ZkTxn& txn);
// False if `payload` is not exactly one well-formed transaction.
bool DecodeZkTxn(std::string_view payload, ZkTxn* txn);

struct ZkReplayStats {
  int64_t transactions = 0;
  int64_t valid_bytes = 0;    // the intact prefix the file is truncated to
  int64_t dropped_bytes = 0;  // the torn or corrupt tail thrown away
};

class ZkTxnLog {
 public:
  static constexpr int64_t kHeaderBytes = 8;
  // A record longer than this is taken for garbage (a torn length field).
  static constexpr int64_t kMaxRecordBytes = 64 << 20;

  // `force_sync` false is ZooKeeper's zookeeper.forceSync=no: records reach the page cache only,
  // so a power loss may lose acknowledged transactions.
  ZkTxnLog(Disk& disk, std::string path, bool force_sync)
      : disk_(disk), path_(std::move(path)), force_sync_(force_sync) {}

  // Appends one framed record (to the page cache: durable after Sync). A failure (NoSpace,
  // IoError) leaves the log in an unknown state: the server stops (see ZkServer).
  Status Append(const ZkTxn& txn);
  // With force_sync, fsyncs what was appended (one fsync for a group of appends, as ZooKeeper's
  // SyncRequestProcessor commits); without, nothing.
  Status Sync();
  bool force_sync() const { return force_sync_; }

  // Calls `apply` for every intact record in order, then truncates a torn tail. A missing file
  // is an empty log.
  Status Replay(const std::function<void(const ZkTxn&)>& apply, ZkReplayStats* stats);

  const std::string& path() const { return path_; }

 private:
  Disk& disk_;
  std::string path_;
  bool force_sync_;
};

}  // namespace ks
