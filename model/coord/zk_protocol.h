// The wire protocol of kafkasim's ZooKeeper-like coordination service: the messages a ZkClient
// and a ZkServer exchange, ZooKeeper's error codes and the znode stat.
//
// Messages are C++ objects (see model/env/message.h); SizeBytes() charges what ZooKeeper's jute
// encoding would roughly take: a fixed header plus the bytes of paths and data. Every request
// after the connect handshake carries the session id (ZooKeeper binds a session to its TCP
// connection instead; here a node may reconnect over the same simulated connection, so the id
// travels with each request) and an `xid`, the client's correlation id echoed in the response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/message.h"

namespace ks {

// ZooKeeper's KeeperException codes, with ZooKeeper's numeric values.
enum class ZkError : int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,  // a multi's op that was not run because an earlier one failed
  kConnectionLoss = -4,
  kOperationTimeout = -7,
  kBadArguments = -8,
  kNoNode = -101,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
};

// "NONODE", "BADVERSION", ... as ZooKeeper's Code enum names them.
std::string_view ZkErrorName(ZkError error);

enum class ZkWatchType : uint8_t {
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
};
std::string_view ZkWatchTypeName(ZkWatchType type);  // "NodeCreated", ...

// A znode's metadata, as ZooKeeper's Stat. Versions count changes since creation: `version` of
// the data, `cversion` of the children list. czxid/mzxid/pzxid are the zxids of the transactions
// that created the node, last set its data, and last changed its children. Kafka uses czxid of
// /brokers/ids/N as the broker epoch and `version` of a partition state znode as its zk version.
struct ZkStat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t pzxid = 0;
  int64_t ctime_ms = 0;
  int64_t mtime_ms = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int64_t ephemeral_owner = 0;  // the owning session, 0 for a persistent node
  int32_t data_length = 0;
  int32_t num_children = 0;

  bool operator==(const ZkStat&) const = default;
};

enum class ZkOpType : uint8_t {
  kCreate = 1,
  kDelete = 2,
  kSetData = 3,
  kGetData = 4,
  kExists = 5,
  kGetChildren = 6,
  kCheck = 7,  // only inside a multi: succeeds iff the node exists with `version` (or -1: any)
  kMulti = 8,
  kCloseSession = 9,
};
std::string_view ZkOpTypeName(ZkOpType type);  // "Create", "Delete", ...

// One operation: a request's body, or one element of a multi.
struct ZkOp {
  static constexpr int32_t kAnyVersion = -1;

  ZkOpType type = ZkOpType::kGetData;
  std::string path;
  std::string data;               // Create, SetData
  int32_t version = kAnyVersion;  // Delete, SetData, Check: the expected version
  bool ephemeral = false;         // Create
  bool sequential = false;        // Create
  bool watch = false;             // GetData, Exists, GetChildren

  static ZkOp Create(std::string path, std::string data, bool ephemeral, bool sequential = false);
  static ZkOp Delete(std::string path, int32_t version = kAnyVersion);
  static ZkOp SetData(std::string path, std::string data, int32_t version = kAnyVersion);
  static ZkOp Check(std::string path, int32_t version);

  int64_t SizeBytes() const { return 12 + static_cast<int64_t>(path.size() + data.size()); }
  bool operator==(const ZkOp&) const = default;
};

// The outcome of one op of a multi.
struct ZkOpResult {
  ZkError error = ZkError::kOk;
  std::string path;  // Create: the created path (with a sequential suffix)
  ZkStat stat;       // SetData: the new stat
};

// What an asynchronous call of ZkClient reports, and what a ZkResponse carries.
struct ZkResult {
  ZkError error = ZkError::kOk;
  std::string path;                   // Create: the created path
  std::string data;                   // GetData
  ZkStat stat;                        // GetData, Exists, SetData, GetChildren
  std::vector<std::string> children;  // GetChildren, sorted
  std::vector<ZkOpResult> results;    // Multi: one per op

  bool ok() const { return error == ZkError::kOk; }
};

// --- Messages -------------------------------------------------------------------------------

struct ZkConnectRequest final : Message {
  int64_t session_id = 0;  // 0: a new session; else the session to resume
  int32_t session_timeout_ms = 0;
  int64_t last_zxid_seen = 0;
  std::string_view Kind() const override { return "ZkConnect"; }
  KS_MESSAGE_TYPE(ZkConnectRequest)
  int64_t SizeBytes() const override { return 48; }
};

struct ZkConnectResponse final : Message {
  int64_t session_id = 0;
  int32_t session_timeout_ms = 0;  // negotiated
  bool expired = false;            // the session asked for no longer exists
  std::string_view Kind() const override { return "ZkConnectResponse"; }
  KS_MESSAGE_TYPE(ZkConnectResponse)
  int64_t SizeBytes() const override { return 40; }
};

struct ZkPing final : Message {
  int64_t session_id = 0;
  std::string_view Kind() const override { return "ZkPing"; }
  KS_MESSAGE_TYPE(ZkPing)
  int64_t SizeBytes() const override { return 16; }
};

struct ZkPong final : Message {
  int64_t zxid = 0;
  bool session_expired = false;
  std::string_view Kind() const override { return "ZkPong"; }
  KS_MESSAGE_TYPE(ZkPong)
  int64_t SizeBytes() const override { return 24; }
};

// Any request after the handshake. `op.type` says which; a multi carries its ops in `ops`.
struct ZkRequest final : Message {
  int64_t session_id = 0;
  int32_t xid = 0;
  ZkOp op;
  std::vector<ZkOp> ops;                   // kMulti only
  std::string_view Kind() const override;  // "ZkCreate", "ZkMulti", ...
  KS_MESSAGE_TYPE(ZkRequest)
  int64_t SizeBytes() const override;
};

struct ZkResponse final : Message {
  int32_t xid = 0;
  int64_t zxid = 0;  // the server's last committed zxid when it answered
  ZkResult result;
  std::string_view Kind() const override { return "ZkResponse"; }
  KS_MESSAGE_TYPE(ZkResponse)
  int64_t SizeBytes() const override;
};

// Re-registers a reconnecting session's watches (ZooKeeper's SetWatches): the server fires at
// once those whose node changed after `relative_zxid` (the last zxid the client saw).
struct ZkSetWatches final : Message {
  int64_t session_id = 0;
  int64_t relative_zxid = 0;
  std::vector<std::string> data_watches;   // set by GetData / Exists on an existing node
  std::vector<std::string> exist_watches;  // set by Exists on a missing node
  std::vector<std::string> child_watches;  // set by GetChildren
  std::string_view Kind() const override { return "ZkSetWatches"; }
  KS_MESSAGE_TYPE(ZkSetWatches)
  int64_t SizeBytes() const override;
};

struct ZkWatchEvent final : Message {
  ZkWatchType type = ZkWatchType::kNodeCreated;
  std::string path;
  std::string_view Kind() const override { return "ZkWatchEvent"; }
  KS_MESSAGE_TYPE(ZkWatchEvent)
  int64_t SizeBytes() const override { return 16 + static_cast<int64_t>(path.size()); }
};

}  // namespace ks
