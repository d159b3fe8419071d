#include "model/coord/zk_protocol.h"

#include <utility>

#include "model/coord/zk_events.h"

namespace ks {

namespace {

int64_t StringsBytes(const std::vector<std::string>& strings) {
  int64_t bytes = 4;
  for (const std::string& s : strings) bytes += 4 + static_cast<int64_t>(s.size());
  return bytes;
}

}  // namespace

std::string_view ZkErrorName(ZkError error) {
  switch (error) {
    case ZkError::kOk:
      return "OK";
    case ZkError::kSystemError:
      return "SYSTEMERROR";
    case ZkError::kRuntimeInconsistency:
      return "RUNTIMEINCONSISTENCY";
    case ZkError::kConnectionLoss:
      return "CONNECTIONLOSS";
    case ZkError::kOperationTimeout:
      return "OPERATIONTIMEOUT";
    case ZkError::kBadArguments:
      return "BADARGUMENTS";
    case ZkError::kNoNode:
      return "NONODE";
    case ZkError::kBadVersion:
      return "BADVERSION";
    case ZkError::kNoChildrenForEphemerals:
      return "NOCHILDRENFOREPHEMERALS";
    case ZkError::kNodeExists:
      return "NODEEXISTS";
    case ZkError::kNotEmpty:
      return "NOTEMPTY";
    case ZkError::kSessionExpired:
      return "SESSIONEXPIRED";
  }
  return "UNKNOWN";
}

std::string_view ZkWatchTypeName(ZkWatchType type) {
  switch (type) {
    case ZkWatchType::kNodeCreated:
      return "NodeCreated";
    case ZkWatchType::kNodeDeleted:
      return "NodeDeleted";
    case ZkWatchType::kNodeDataChanged:
      return "NodeDataChanged";
    case ZkWatchType::kNodeChildrenChanged:
      return "NodeChildrenChanged";
  }
  return "Unknown";
}

std::string_view ZkOpTypeName(ZkOpType type) {
  switch (type) {
    case ZkOpType::kCreate:
      return "Create";
    case ZkOpType::kDelete:
      return "Delete";
    case ZkOpType::kSetData:
      return "SetData";
    case ZkOpType::kGetData:
      return "GetData";
    case ZkOpType::kExists:
      return "Exists";
    case ZkOpType::kGetChildren:
      return "GetChildren";
    case ZkOpType::kCheck:
      return "Check";
    case ZkOpType::kMulti:
      return "Multi";
    case ZkOpType::kCloseSession:
      return "CloseSession";
  }
  return "Unknown";
}

ZkOp ZkOp::Create(std::string path, std::string data, bool ephemeral, bool sequential) {
  ZkOp op;
  op.type = ZkOpType::kCreate;
  op.path = std::move(path);
  op.data = std::move(data);
  op.ephemeral = ephemeral;
  op.sequential = sequential;
  return op;
}

ZkOp ZkOp::Delete(std::string path, int32_t version) {
  ZkOp op;
  op.type = ZkOpType::kDelete;
  op.path = std::move(path);
  op.version = version;
  return op;
}

ZkOp ZkOp::SetData(std::string path, std::string data, int32_t version) {
  ZkOp op;
  op.type = ZkOpType::kSetData;
  op.path = std::move(path);
  op.data = std::move(data);
  op.version = version;
  return op;
}

ZkOp ZkOp::Check(std::string path, int32_t version) {
  ZkOp op;
  op.type = ZkOpType::kCheck;
  op.path = std::move(path);
  op.version = version;
  return op;
}

std::string_view ZkRequest::Kind() const {
  switch (op.type) {
    case ZkOpType::kCreate:
      return "ZkCreate";
    case ZkOpType::kDelete:
      return "ZkDelete";
    case ZkOpType::kSetData:
      return "ZkSetData";
    case ZkOpType::kGetData:
      return "ZkGetData";
    case ZkOpType::kExists:
      return "ZkExists";
    case ZkOpType::kGetChildren:
      return "ZkGetChildren";
    case ZkOpType::kCheck:
      return "ZkCheck";
    case ZkOpType::kMulti:
      return "ZkMulti";
    case ZkOpType::kCloseSession:
      return "ZkCloseSession";
  }
  return "ZkRequest";
}

int64_t ZkRequest::SizeBytes() const {
  // Header: length, xid, type, session id.
  int64_t bytes = 20 + op.SizeBytes();
  for (const ZkOp& sub : ops) bytes += sub.SizeBytes();
  return bytes;
}

int64_t ZkResponse::SizeBytes() const {
  // Header (length, xid, zxid, error) and a stat of 68 bytes, as ZooKeeper's.
  int64_t bytes = 20 + 68 + static_cast<int64_t>(result.path.size() + result.data.size());
  if (!result.children.empty()) bytes += StringsBytes(result.children);
  for (const ZkOpResult& r : result.results) bytes += 8 + static_cast<int64_t>(r.path.size());
  return bytes;
}

int64_t ZkSetWatches::SizeBytes() const {
  return 24 + StringsBytes(data_watches) + StringsBytes(exist_watches) +
         StringsBytes(child_watches);
}

std::string_view TraceName(ZkDeleteReason reason) {
  return reason == ZkDeleteReason::kRequest ? "request" : "session_ended";
}

}  // namespace ks
