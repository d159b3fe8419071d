// ZkTree: the coordination service's data tree — znodes with their data and stats, ephemeral
// ownership, and one-shot watches — as ZooKeeper's DataTree and WatchManager together. Pure: no
// Env, no network, no disk; the server (zk_server.h) feeds it transactions and turns the watches
// it fires into messages.
//
// Semantics (ZooKeeper's):
// - Paths are absolute ("/brokers/ids/1"), without a trailing slash; "/" always exists. A node's
//   parent must exist; an ephemeral node cannot have children (NOCHILDRENFOREPHEMERALS).
// - A write is a transaction numbered by a zxid: one op, or a multi's ops run all-or-nothing.
//   Delete/SetData/Check with a version other than -1 fail with BADVERSION unless it matches;
//   Delete of a node with children fails with NOTEMPTY.
// - A sequential create appends the parent's cversion as 10 digits: "/seq-" -> "/seq-0000000003".
// - Ephemeral nodes belong to a session and are deleted when it closes or expires.
// - Watches are one-shot and per session. A data watch (GetData, or Exists, which may watch a
//   node that does not exist yet) fires NodeCreated, NodeDataChanged or NodeDeleted; a child
//   watch (GetChildren) fires NodeChildrenChanged when a child is created or deleted, and
//   NodeDeleted when the node itself goes. A session gets one event per path and change.
//
// Containers are std::map/std::set so every iteration, and thus every run, is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/coord/zk_protocol.h"

namespace ks {

// A watch that fired: the server sends `type` and `path` to the session's connection.
struct ZkFiredWatch {
  int64_t session_id = 0;
  ZkWatchType type = ZkWatchType::kNodeCreated;
  std::string path;

  bool operator==(const ZkFiredWatch&) const = default;
};

// Who runs a write, and when: stamped into the stats it changes.
struct ZkTxnContext {
  int64_t session_id = 0;
  int64_t zxid = 0;
  int64_t time_ms = 0;
};

// "/a/b" -> "/a", "/a" -> "/". REQUIRES: a valid path other than "/".
std::string ZkParentPath(std::string_view path);
// True if `path` is absolute, has no empty component and no trailing slash ("/" is valid).
bool ZkIsValidPath(std::string_view path);

class ZkTree {
 public:
  // Bounds that keep a runaway client from growing the tree without limit (ZooKeeper limits a
  // node's data to jute.maxbuffer, 1 MiB by default).
  static constexpr int64_t kMaxDataBytes = 1 << 20;
  static constexpr int64_t kMaxOpsPerMulti = 1000;

  ZkTree();

  // Reads. A non-zero `watch_session` leaves a one-shot watch for that session: GetData and
  // GetChildren only on an existing node, Exists always (it then fires NodeCreated).
  ZkError GetData(std::string_view path, int64_t watch_session, std::string* data, ZkStat* stat);
  ZkError Exists(std::string_view path, int64_t watch_session, ZkStat* stat);
  ZkError GetChildren(std::string_view path, int64_t watch_session,
                      std::vector<std::string>* children, ZkStat* stat);

  // Runs `ops` (Create, Delete, SetData, Check) as one transaction: all succeed, or none changes
  // anything. *results gets one entry per op (on failure: OK for the ops before the failed one,
  // its error, RUNTIMEINCONSISTENCY after, as ZooKeeper's multi). Returns the first error. On
  // success the watches the transaction triggered are appended to *fired (and removed).
  ZkError Write(const std::vector<ZkOp>& ops, const ZkTxnContext& context,
                std::vector<ZkOpResult>* results, std::vector<ZkFiredWatch>* fired);

  // Runs `ops` like Write but leaves the tree as it was: what Write would return. *resolved gets
  // the ops as they would apply (sequential creates replaced by the name they would get), so
  // that logging and then applying `resolved` reproduces exactly this outcome.
  ZkError Validate(const std::vector<ZkOp>& ops, int64_t session_id,
                   std::vector<ZkOpResult>* results, std::vector<ZkOp>* resolved);

  // A session ended (closed or expired) in transaction `context.zxid`: deletes its ephemeral
  // nodes (firing their watches) and forgets its watches.
  void CloseSession(const ZkTxnContext& context, std::vector<ZkFiredWatch>* fired);
  // Forgets a session's watches (its connection changed: the client sends them again).
  void RemoveWatches(int64_t session_id);
  // Re-registers a reconnected session's watches; those whose node changed after
  // `relative_zxid` fire at once instead (into *fired), as ZooKeeper's SetWatches.
  void SetWatches(int64_t session_id, int64_t relative_zxid,
                  const std::vector<std::string>& data_watches,
                  const std::vector<std::string>& exist_watches,
                  const std::vector<std::string>& child_watches, std::vector<ZkFiredWatch>* fired);

  // Paths of the session's ephemeral nodes, sorted.
  std::vector<std::string> EphemeralsOf(int64_t session_id) const;
  bool Contains(std::string_view path) const { return nodes_.find(path) != nodes_.end(); }
  int64_t last_zxid() const { return last_zxid_; }
  // Accepts a zxid with no change to the tree (session creation), so zxids stay increasing.
  void AdvanceZxid(int64_t zxid);
  int64_t node_count() const { return static_cast<int64_t>(nodes_.size()); }
  int64_t watch_count() const;

 private:
  struct Node {
    std::string data;
    ZkStat stat;                     // num_children and data_length are filled in when read
    std::set<std::string> children;  // names, not paths
  };
  struct Trigger {
    std::string path;
    ZkWatchType type;
  };
  // One change of a transaction in progress, to undo it. A parent's change saves its stat and
  // the one child name added or removed, never its whole child set: creating the N-th child of
  // a node (a topic's N partition states) must not copy the N-1 before it.
  struct UndoStep {
    enum class Kind {
      kAbsent,        // `path` did not exist: erase it
      kWhole,         // `path` was `node` (deleted: it had no children)
      kDataStat,      // `path` had `node.data` and `node.stat` (SetData)
      kChildAdded,    // `path` had `node.stat` and no child `child`
      kChildRemoved,  // `path` had `node.stat` and the child `child`
    };
    Kind kind;
    std::string path;
    Node node;
    std::string child;
  };
  // What a transaction in progress changed, in order.
  struct Undo {
    std::vector<UndoStep> steps;
    int64_t last_zxid = 0;
  };

  ZkError Run(const std::vector<ZkOp>& ops, const ZkTxnContext& context,
              std::vector<ZkOpResult>* results, std::vector<ZkOp>* resolved,
              std::vector<Trigger>* triggers, Undo* undo);
  ZkError RunOne(const ZkOp& op, const ZkTxnContext& context, ZkOpResult* result, ZkOp* resolved,
                 std::vector<Trigger>* triggers, Undo* undo);
  ZkError RunCreate(const ZkOp& op, const ZkTxnContext& context, ZkOpResult* result, ZkOp* resolved,
                    std::vector<Trigger>* triggers, Undo* undo);
  ZkError RunDelete(const ZkOp& op, const ZkTxnContext& context, std::vector<Trigger>* triggers,
                    Undo* undo);
  ZkError RunSetData(const ZkOp& op, const ZkTxnContext& context, ZkOpResult* result,
                     std::vector<Trigger>* triggers, Undo* undo);
  ZkError RunCheck(const ZkOp& op) const;
  void Rollback(Undo& undo);
  // Records `path` as it is, whole (nullopt if absent): for a node created or deleted.
  void SaveWhole(const std::string& path, Undo* undo) const;
  // Replaces (or erases, with nullopt) the node at `path`, keeping the ephemeral index right.
  void PutNode(const std::string& path, std::optional<Node> node);
  void Fire(const std::vector<Trigger>& triggers, std::vector<ZkFiredWatch>* fired);
  ZkStat StatOf(const Node& node) const;

  std::map<std::string, Node, std::less<>> nodes_;
  std::map<int64_t, std::set<std::string>> ephemerals_;                  // session -> paths
  std::map<std::string, std::set<int64_t>, std::less<>> data_watches_;   // path -> sessions
  std::map<std::string, std::set<int64_t>, std::less<>> child_watches_;  // path -> sessions
  int64_t last_zxid_ = 0;
};

}  // namespace ks
