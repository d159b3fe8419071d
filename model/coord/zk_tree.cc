#include "model/coord/zk_tree.h"

#include <cstdio>
#include <utility>

#include "model/env/check.h"

namespace ks {

namespace {

std::string_view BaseName(std::string_view path) { return path.substr(path.rfind('/') + 1); }

// ZooKeeper formats the sequence number as %010d.
std::string SequenceSuffix(int32_t counter) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%010d", counter);
  return buffer;
}

bool VersionMatches(int32_t expected, int32_t actual) {
  return expected == ZkOp::kAnyVersion || expected == actual;
}

}  // namespace

std::string ZkParentPath(std::string_view path) {
  KS_CHECK(path.size() > 1 && path[0] == '/');
  const size_t slash = path.rfind('/');
  return slash == 0 ? std::string("/") : std::string(path.substr(0, slash));
}

bool ZkIsValidPath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\0') return false;
    if (path[i] == '/' && i + 1 < path.size() && path[i + 1] == '/') return false;
  }
  return true;
}

ZkTree::ZkTree() { nodes_.emplace("/", Node{}); }

ZkStat ZkTree::StatOf(const Node& node) const {
  ZkStat stat = node.stat;
  stat.data_length = static_cast<int32_t>(node.data.size());
  stat.num_children = static_cast<int32_t>(node.children.size());
  return stat;
}

// --- Reads ----------------------------------------------------------------------------------

ZkError ZkTree::GetData(std::string_view path, int64_t watch_session, std::string* data,
                        ZkStat* stat) {
  if (!ZkIsValidPath(path)) return ZkError::kBadArguments;
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return ZkError::kNoNode;
  if (watch_session != 0) data_watches_[std::string(path)].insert(watch_session);
  *data = it->second.data;
  *stat = StatOf(it->second);
  return ZkError::kOk;
}

ZkError ZkTree::Exists(std::string_view path, int64_t watch_session, ZkStat* stat) {
  if (!ZkIsValidPath(path)) return ZkError::kBadArguments;
  // Exists watches a missing node too: the watch then fires NodeCreated.
  if (watch_session != 0) data_watches_[std::string(path)].insert(watch_session);
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return ZkError::kNoNode;
  *stat = StatOf(it->second);
  return ZkError::kOk;
}

ZkError ZkTree::GetChildren(std::string_view path, int64_t watch_session,
                            std::vector<std::string>* children, ZkStat* stat) {
  if (!ZkIsValidPath(path)) return ZkError::kBadArguments;
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return ZkError::kNoNode;
  if (watch_session != 0) child_watches_[std::string(path)].insert(watch_session);
  children->assign(it->second.children.begin(), it->second.children.end());
  *stat = StatOf(it->second);
  return ZkError::kOk;
}

// --- Writes ---------------------------------------------------------------------------------

ZkError ZkTree::Write(const std::vector<ZkOp>& ops, const ZkTxnContext& context,
                      std::vector<ZkOpResult>* results, std::vector<ZkFiredWatch>* fired) {
  KS_CHECK_MSG(context.zxid > last_zxid_, "zxids must increase");
  std::vector<Trigger> triggers;
  Undo undo;
  const ZkError error = Run(ops, context, results, nullptr, &triggers, &undo);
  if (error != ZkError::kOk) {
    Rollback(undo);
    return error;
  }
  last_zxid_ = context.zxid;
  Fire(triggers, fired);
  return ZkError::kOk;
}

ZkError ZkTree::Validate(const std::vector<ZkOp>& ops, int64_t session_id,
                         std::vector<ZkOpResult>* results, std::vector<ZkOp>* resolved) {
  // Simplest faithful dry run: really run the ops (later ops of a multi must see earlier ones),
  // then undo everything. Watches are untouched because triggers are only collected.
  std::vector<Trigger> triggers;
  Undo undo;
  const ZkTxnContext context{session_id, last_zxid_ + 1, 0};
  const ZkError error = Run(ops, context, results, resolved, &triggers, &undo);
  Rollback(undo);
  return error;
}

ZkError ZkTree::Run(const std::vector<ZkOp>& ops, const ZkTxnContext& context,
                    std::vector<ZkOpResult>* results, std::vector<ZkOp>* resolved,
                    std::vector<Trigger>* triggers, Undo* undo) {
  undo->last_zxid = last_zxid_;
  results->assign(ops.size(), ZkOpResult{});
  if (resolved != nullptr) resolved->clear();
  if (ops.empty() || static_cast<int64_t>(ops.size()) > kMaxOpsPerMulti) {
    return ZkError::kBadArguments;
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    ZkOp resolved_op = ops[i];
    const ZkError error = RunOne(ops[i], context, &(*results)[i], &resolved_op, triggers, undo);
    if (error != ZkError::kOk) {
      // ZooKeeper's multi reports OK before the failed op and RUNTIMEINCONSISTENCY after it.
      for (size_t j = 0; j < ops.size(); ++j) {
        (*results)[j] = ZkOpResult{};
        if (j == i) (*results)[j].error = error;
        if (j > i) (*results)[j].error = ZkError::kRuntimeInconsistency;
      }
      if (resolved != nullptr) resolved->clear();
      return error;
    }
    if (resolved != nullptr) resolved->push_back(std::move(resolved_op));
  }
  return ZkError::kOk;
}

ZkError ZkTree::RunOne(const ZkOp& op, const ZkTxnContext& context, ZkOpResult* result,
                       ZkOp* resolved, std::vector<Trigger>* triggers, Undo* undo) {
  switch (op.type) {
    case ZkOpType::kCreate:
      return RunCreate(op, context, result, resolved, triggers, undo);
    case ZkOpType::kDelete:
      return RunDelete(op, context, triggers, undo);
    case ZkOpType::kSetData:
      return RunSetData(op, context, result, triggers, undo);
    case ZkOpType::kCheck:
      return RunCheck(op);
    default:
      return ZkError::kBadArguments;  // reads and session ops are not transaction ops
  }
}

ZkError ZkTree::RunCreate(const ZkOp& op, const ZkTxnContext& context, ZkOpResult* result,
                          ZkOp* resolved, std::vector<Trigger>* triggers, Undo* undo) {
  // A sequential create may name the parent itself ("/seq/" -> "/seq/0000000000").
  const bool names_parent = op.sequential && op.path.size() > 1 && op.path.back() == '/';
  const std::string_view checked =
      names_parent ? std::string_view(op.path).substr(0, op.path.size() - 1) : op.path;
  if (!ZkIsValidPath(checked) || checked == "/") return ZkError::kBadArguments;
  if (static_cast<int64_t>(op.data.size()) > kMaxDataBytes) return ZkError::kBadArguments;
  if (op.ephemeral && context.session_id == 0) return ZkError::kBadArguments;
  const std::string parent_path = ZkParentPath(op.path + (names_parent ? "x" : ""));
  auto parent = nodes_.find(parent_path);
  if (parent == nodes_.end()) return ZkError::kNoNode;
  if (parent->second.stat.ephemeral_owner != 0) return ZkError::kNoChildrenForEphemerals;
  std::string path = op.path;
  if (op.sequential) path += SequenceSuffix(parent->second.stat.cversion);
  if (nodes_.count(path) != 0) return ZkError::kNodeExists;

  Node& parent_node = parent->second;
  undo->steps.push_back(UndoStep{UndoStep::Kind::kChildAdded, parent_path,
                                 Node{{}, parent_node.stat, {}}, std::string(BaseName(path))});
  SaveWhole(path, undo);
  parent_node.children.insert(std::string(BaseName(path)));
  parent_node.stat.cversion++;
  parent_node.stat.pzxid = context.zxid;
  Node node;
  node.data = op.data;
  node.stat.czxid = node.stat.mzxid = node.stat.pzxid = context.zxid;
  node.stat.ctime_ms = node.stat.mtime_ms = context.time_ms;
  node.stat.ephemeral_owner = op.ephemeral ? context.session_id : 0;
  PutNode(path, std::move(node));
  triggers->push_back(Trigger{path, ZkWatchType::kNodeCreated});
  triggers->push_back(Trigger{parent_path, ZkWatchType::kNodeChildrenChanged});
  result->path = path;
  result->stat = StatOf(nodes_.find(path)->second);
  resolved->path = path;
  resolved->sequential = false;
  return ZkError::kOk;
}

ZkError ZkTree::RunDelete(const ZkOp& op, const ZkTxnContext& context,
                          std::vector<Trigger>* triggers, Undo* undo) {
  if (!ZkIsValidPath(op.path) || op.path == "/") return ZkError::kBadArguments;
  auto it = nodes_.find(op.path);
  if (it == nodes_.end()) return ZkError::kNoNode;
  if (!VersionMatches(op.version, it->second.stat.version)) return ZkError::kBadVersion;
  if (!it->second.children.empty()) return ZkError::kNotEmpty;
  const std::string parent_path = ZkParentPath(op.path);
  Node& parent_node = nodes_.find(parent_path)->second;
  undo->steps.push_back(UndoStep{UndoStep::Kind::kChildRemoved, parent_path,
                                 Node{{}, parent_node.stat, {}}, std::string(BaseName(op.path))});
  SaveWhole(op.path, undo);
  parent_node.children.erase(std::string(BaseName(op.path)));
  parent_node.stat.cversion++;
  parent_node.stat.pzxid = context.zxid;
  PutNode(op.path, std::nullopt);
  triggers->push_back(Trigger{op.path, ZkWatchType::kNodeDeleted});
  triggers->push_back(Trigger{parent_path, ZkWatchType::kNodeChildrenChanged});
  return ZkError::kOk;
}

ZkError ZkTree::RunSetData(const ZkOp& op, const ZkTxnContext& context, ZkOpResult* result,
                           std::vector<Trigger>* triggers, Undo* undo) {
  if (!ZkIsValidPath(op.path)) return ZkError::kBadArguments;
  if (static_cast<int64_t>(op.data.size()) > kMaxDataBytes) return ZkError::kBadArguments;
  auto it = nodes_.find(op.path);
  if (it == nodes_.end()) return ZkError::kNoNode;
  if (!VersionMatches(op.version, it->second.stat.version)) return ZkError::kBadVersion;
  Node& node = it->second;
  undo->steps.push_back(
      UndoStep{UndoStep::Kind::kDataStat, op.path, Node{node.data, node.stat, {}}, {}});
  node.data = op.data;
  node.stat.version++;
  node.stat.mzxid = context.zxid;
  node.stat.mtime_ms = context.time_ms;
  triggers->push_back(Trigger{op.path, ZkWatchType::kNodeDataChanged});
  result->stat = StatOf(node);
  return ZkError::kOk;
}

ZkError ZkTree::RunCheck(const ZkOp& op) const {
  if (!ZkIsValidPath(op.path)) return ZkError::kBadArguments;
  auto it = nodes_.find(op.path);
  if (it == nodes_.end()) return ZkError::kNoNode;
  if (!VersionMatches(op.version, it->second.stat.version)) return ZkError::kBadVersion;
  return ZkError::kOk;
}

void ZkTree::SaveWhole(const std::string& path, Undo* undo) const {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) {
    undo->steps.push_back(UndoStep{UndoStep::Kind::kAbsent, path, {}, {}});
  } else {
    undo->steps.push_back(UndoStep{UndoStep::Kind::kWhole, path, it->second, {}});
  }
}

void ZkTree::Rollback(Undo& undo) {
  for (auto step = undo.steps.rbegin(); step != undo.steps.rend(); ++step) {
    switch (step->kind) {
      case UndoStep::Kind::kAbsent:
        PutNode(step->path, std::nullopt);
        break;
      case UndoStep::Kind::kWhole:
        PutNode(step->path, std::move(step->node));
        break;
      case UndoStep::Kind::kDataStat: {
        Node& node = nodes_.find(step->path)->second;
        node.data = std::move(step->node.data);
        node.stat = step->node.stat;
        break;
      }
      case UndoStep::Kind::kChildAdded:
      case UndoStep::Kind::kChildRemoved: {
        Node& node = nodes_.find(step->path)->second;
        if (step->kind == UndoStep::Kind::kChildAdded) {
          node.children.erase(step->child);
        } else {
          node.children.insert(std::move(step->child));
        }
        node.stat = step->node.stat;
        break;
      }
    }
  }
  undo.steps.clear();
  last_zxid_ = undo.last_zxid;
}

void ZkTree::PutNode(const std::string& path, std::optional<Node> node) {
  auto it = nodes_.find(path);
  if (it != nodes_.end()) {
    const int64_t owner = it->second.stat.ephemeral_owner;
    if (owner != 0) {
      auto& paths = ephemerals_[owner];
      paths.erase(path);
      if (paths.empty()) ephemerals_.erase(owner);
    }
    nodes_.erase(it);
  }
  if (!node.has_value()) return;
  if (node->stat.ephemeral_owner != 0) ephemerals_[node->stat.ephemeral_owner].insert(path);
  nodes_.emplace(path, std::move(*node));
}

// --- Sessions and watches -------------------------------------------------------------------

void ZkTree::CloseSession(const ZkTxnContext& context, std::vector<ZkFiredWatch>* fired) {
  KS_CHECK_MSG(context.zxid > last_zxid_, "zxids must increase");
  last_zxid_ = context.zxid;
  // The session's own watches go first: it will not hear about its own ephemerals.
  RemoveWatches(context.session_id);
  std::vector<Trigger> triggers;
  Undo undo;  // an ephemeral node has no children, so these deletes cannot fail
  for (const std::string& path : EphemeralsOf(context.session_id)) {
    const ZkError error = RunDelete(ZkOp::Delete(path), context, &triggers, &undo);
    KS_CHECK_MSG(error == ZkError::kOk, "deleting ephemeral " + path);
  }
  Fire(triggers, fired);
}

void ZkTree::RemoveWatches(int64_t session_id) {
  for (auto* table : {&data_watches_, &child_watches_}) {
    for (auto it = table->begin(); it != table->end();) {
      it->second.erase(session_id);
      it = it->second.empty() ? table->erase(it) : std::next(it);
    }
  }
}

void ZkTree::SetWatches(int64_t session_id, int64_t relative_zxid,
                        const std::vector<std::string>& data_watches,
                        const std::vector<std::string>& exist_watches,
                        const std::vector<std::string>& child_watches,
                        std::vector<ZkFiredWatch>* fired) {
  auto fire = [&](const std::string& path, ZkWatchType type) {
    fired->push_back(ZkFiredWatch{session_id, type, path});
  };
  for (const std::string& path : data_watches) {
    auto it = nodes_.find(path);
    if (it == nodes_.end()) {
      fire(path, ZkWatchType::kNodeDeleted);
    } else if (it->second.stat.mzxid > relative_zxid) {
      fire(path, ZkWatchType::kNodeDataChanged);
    } else {
      data_watches_[path].insert(session_id);
    }
  }
  for (const std::string& path : exist_watches) {
    if (nodes_.count(path) != 0) {
      fire(path, ZkWatchType::kNodeCreated);
    } else {
      data_watches_[path].insert(session_id);
    }
  }
  for (const std::string& path : child_watches) {
    auto it = nodes_.find(path);
    if (it == nodes_.end()) {
      fire(path, ZkWatchType::kNodeDeleted);
    } else if (it->second.stat.pzxid > relative_zxid) {
      fire(path, ZkWatchType::kNodeChildrenChanged);
    } else {
      child_watches_[path].insert(session_id);
    }
  }
}

void ZkTree::Fire(const std::vector<Trigger>& triggers, std::vector<ZkFiredWatch>* fired) {
  // Takes the sessions watching `path` out of `table` (one-shot) into *sessions.
  auto take = [](std::map<std::string, std::set<int64_t>, std::less<>>& table,
                 const std::string& path, std::set<int64_t>* sessions) {
    auto it = table.find(path);
    if (it == table.end()) return;
    sessions->insert(it->second.begin(), it->second.end());
    table.erase(it);
  };
  for (const Trigger& trigger : triggers) {
    std::set<int64_t> sessions;
    switch (trigger.type) {
      case ZkWatchType::kNodeCreated:
      case ZkWatchType::kNodeDataChanged:
        take(data_watches_, trigger.path, &sessions);
        break;
      case ZkWatchType::kNodeDeleted:
        take(data_watches_, trigger.path, &sessions);
        take(child_watches_, trigger.path, &sessions);
        break;
      case ZkWatchType::kNodeChildrenChanged:
        take(child_watches_, trigger.path, &sessions);
        break;
    }
    for (int64_t session : sessions) {
      fired->push_back(ZkFiredWatch{session, trigger.type, trigger.path});
    }
  }
}

std::vector<std::string> ZkTree::EphemeralsOf(int64_t session_id) const {
  auto it = ephemerals_.find(session_id);
  if (it == ephemerals_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

void ZkTree::AdvanceZxid(int64_t zxid) {
  KS_CHECK_MSG(zxid > last_zxid_, "zxids must increase");
  last_zxid_ = zxid;
}

int64_t ZkTree::watch_count() const {
  int64_t count = 0;
  for (const auto& [path, sessions] : data_watches_) count += static_cast<int64_t>(sessions.size());
  for (const auto& [path, sessions] : child_watches_)
    count += static_cast<int64_t>(sessions.size());
  return count;
}

}  // namespace ks
