#include "model/broker/broker.h"

#include <charconv>

#include "model/admin/admin_zk_client.h"
#include "model/admin/replica_assignment.h"
#include "model/broker/broker_events.h"
#include "model/controller/zk_paths.h"
#include "model/log/checkpoint_file.h"

namespace ks {

namespace {

// KIP-966's CleanShutdownFile: at the root of the broker's disk (the log directory), beside the
// partitions' directories; "broker_epoch=<czxid>".
constexpr std::string_view kBrokerCleanShutdownFile = ".kafka_cleanshutdown";

ZkClientOptions ZkOptionsFor(const BrokerConfig& config) {
  ZkClientOptions options;
  options.session_timeout_ms = static_cast<int32_t>(config.zookeeper_session_timeout_ms);
  return options;
}

}  // namespace

Broker::Broker(Env& env, BrokerOptions options)
    : env_(env),
      options_(std::move(options)),
      replica_manager_(env, options_.config, metadata_),
      zk_(env, options_.zookeeper, ZkOptionsFor(options_.config)),
      controller_(env, options_.config, zk_),
      controlled_shutdown_(env, options_.config, zk_),
      zk_isr_writer_(env, options_.config, zk_) {
  zk_.ClaimMessages(dispatch_);
  replica_manager_.ClaimMessages(dispatch_);
  controller_.ClaimMessages(dispatch_);
  controlled_shutdown_.ClaimMessages(dispatch_);
  // The broker's own: the clients' Metadata from its cache, and the controller's UpdateMetadata.
  dispatch_.Claim<MetadataRequest>(
      [this](NodeId from, MetadataRequest& request) { HandleMetadata(from, request); });
  dispatch_.Claim<UpdateMetadataRequest>(
      [this](NodeId from, UpdateMetadataRequest& request) { HandleUpdateMetadata(from, request); });
}

Broker::~Broker() = default;

void Broker::Start() {
  env_.Trace(ev::BrokerStarting{.broker = id(),
                                .truncation_mode = options_.config.truncation_mode,
                                .isr_lag_mode = options_.config.isr_lag_mode});
  if (options_.config.elr_enabled()) previous_broker_epoch_ = ReadCleanShutdownEpoch();
  replica_manager_.LoadLogs();
  replica_manager_.SetAlterPartitionSink(
      [this](const AlterPartitionRequest& request) { SendAlterPartition(request); });
  replica_manager_.StartBackgroundTasks();
  if (!options_.config.inter_broker_protocol_version.alter_partition()) zk_isr_writer_.Start();
  zk_.SetStateHandler([this](ZkState state) { OnZkState(state); });
  zk_.SetWatchHandler([this](const ZkWatchEvent& event) { OnZkWatch(event); });
  zk_.Start();
}

void Broker::OnZkState(ZkState state) {
  switch (state) {
    case ZkState::kConnected:
      if (!registered_) Register();
      break;
    case ZkState::kExpired:
      // Our ephemeral nodes are gone: the cluster has seen us die. Start a new session.
      registered_ = false;
      session_generation_.Advance();
      controller_.Deactivate(ControllerResignReason::kSessionExpired);
      env_.Trace(ev::BrokerSessionExpired{{.broker = id()}});
      zk_.Reconnect();
      break;
    default:
      break;
  }
}

void Broker::Register() {
  // The persistent parents exist once; creating them again fails harmlessly.
  zk_.Create("/brokers", "", false, [](const ZkResult&) {});
  zk_.Create(zk_paths::kBrokerIds, "", false, [](const ZkResult&) {});
  zk_.Create(zk_paths::kBrokerTopics, "", false, [](const ZkResult&) {});
  zk_.Create("/admin", "", false, [](const ZkResult&) {});
  zk_.Create("/config", "", false, [](const ZkResult&) {});
  zk_.Create(zk_paths::kConfigTopics, "", false, [](const ZkResult&) {});
  zk_paths::BrokerRegistration data;
  data.node = env_.Self();
  if (options_.config.elr_enabled()) data.previous_epoch = previous_broker_epoch_;
  const std::string registration = zk_paths::EncodeBrokerRegistration(data);
  zk_.Create(zk_paths::BrokerPath(id()), registration, true,
             session_generation_.Guard([this](const ZkResult& result) {
               if (result.ok()) {
                 registered_ = true;
                 broker_epoch_ = result.stat.czxid;
                 // A later registration in this incarnation (after a session expiry) follows no
                 // shutdown at all: it reports this epoch, as a clean one would.
                 previous_broker_epoch_ = broker_epoch_;
                 env_.Trace(ev::BrokerRegistered{{.broker = id()}});
                 TryElect();
                 return;
               }
               // An older session of ours still holds the node: wait for it to expire.
               env_.Trace(ev::BrokerRegisterFailed{.broker = id(), .error = result.error});
               env_.SetTimer(kSecond, session_generation_.Guard([this] {
                 if (!registered_ && zk_.state() == ZkState::kConnected) Register();
               }));
             }));
}

void Broker::TryElect() {
  if (!registered_ || controller_.active()) return;
  zk_.Exists(zk_paths::kController, true, session_generation_.Guard([this](const ZkResult& exists) {
    if (controller_.active()) return;
    // Our own session's node is ours: a create whose reply a connection loss took (Kafka
    // retries that create and takes NODEEXISTS with its own id and epoch for success).
    if (exists.ok() && exists.stat.ephemeral_owner == zk_.session_id()) {
      BecomeController();
      return;
    }
    if (exists.ok()) return;  // someone leads; our watch tells us when it goes
    if (exists.error != ZkError::kNoNode) {
      RetryElect();  // no answer (connection loss): ask again, as Kafka retries until connected
      return;
    }
    zk_.Create(zk_paths::kController, zk_paths::EncodeController(id()), true,
               session_generation_.Guard([this](const ZkResult& created) {
                 if (created.ok()) {
                   BecomeController();
                 } else if (created.error == ZkError::kNodeExists) {
                   // Kafka's checkedEphemeralCreate: a node our own session holds is ours (a create
                   // retried after its reply was lost); anyone else's means we lost the race, and
                   // the watch this read sets tells us when the winner goes.
                   zk_.GetData(zk_paths::kController, true,
                               session_generation_.Guard([this](const ZkResult& data) {
                                 if (controller_.active()) return;
                                 if (data.ok() && data.stat.ephemeral_owner == zk_.session_id()) {
                                   BecomeController();
                                 } else if (data.error == ZkError::kNoNode) {
                                   TryElect();  // the winner is gone already
                                 } else if (!data.ok()) {
                                   RetryElect();
                                 }
                               }));
                 } else {
                   RetryElect();  // connection loss: the create may or may not have happened
                 }
               }));
  }));
}

void Broker::RetryElect() {
  // A session that ended takes its calls with it; the broker registers again on a new session
  // and stands again from there (Register).
  if (zk_.state() == ZkState::kExpired || zk_.state() == ZkState::kClosed) return;
  if (zk_.state() != ZkState::kConnected) {
    TryElect();  // queued in the client until it is connected again
    return;
  }
  env_.SetTimer(MillisecondsToUs(kElectRetryBackoffMs),
                session_generation_.Guard([this] { TryElect(); }));
}

void Broker::BecomeController() {
  // The controller epoch goes up by one with every election, through a conditional update.
  zk_.GetData(zk_paths::kControllerEpoch, false,
              session_generation_.Guard([this](const ZkResult& current) {
                if (!current.ok()) {
                  zk_.Create(zk_paths::kControllerEpoch, "1", false,
                             session_generation_.Guard([this](const ZkResult& created) {
                               if (created.ok()) {
                                 controller_.Activate(1, 0);
                               } else {
                                 BecomeController();  // raced with another creator: read it again
                               }
                             }));
                  return;
                }
                const int32_t epoch = zk_paths::DecodeControllerEpoch(current.data).value_or(0) + 1;
                const int32_t version = current.stat.version;
                zk_.SetData(zk_paths::kControllerEpoch, std::to_string(epoch), version,
                            session_generation_.Guard([this, epoch, version](const ZkResult& set) {
                              if (set.ok()) {
                                controller_.Activate(epoch, version + 1);
                              } else {
                                env_.Trace(ev::BrokerControllerEpochConflict{{.broker = id()}});
                              }
                            }));
              }));
}

void Broker::CreateInternalTopic(InternalTopic topic, std::function<void(const KafkaError&)> done) {
  const InternalTopicSpec spec = InternalTopicSpecFor(topic, options_.config);
  if (metadata_.ContainsTopic(spec.name)) {
    done(KafkaError(ErrorCode::kTopicAlreadyExists, "Topic '" + spec.name + "' already exists."));
    return;
  }
  zk_paths::Assignment assignment;
  if (KafkaError error = AssignReplicas(spec.partitions, spec.replication_factor,
                                        metadata_.LiveBrokers(), 0, {}, &assignment);
      !error.ok()) {
    done(error);
    return;
  }
  TopicConfigOverrides config;
  if (Status status = TopicConfigOverrides::Parse(spec.config, &config); !status.ok()) {
    // offsets.topic.segment.bytes may be below what segment.bytes accepts (LogConfig.validate).
    done(KafkaError(ErrorCode::kInvalidConfig, status.message()));
    return;
  }
  CreateTopicInZk(
      zk_, spec.name, assignment, config, [name = spec.name, done](const ZkResult& result) {
        if (result.error == ZkError::kNodeExists) {
          done(KafkaError(ErrorCode::kTopicAlreadyExists, "Topic '" + name + "' already exists."));
        } else if (!result.ok()) {
          done(KafkaError(ErrorCode::kUnknownServerError, std::string(ZkErrorName(result.error))));
        } else {
          done(KafkaError::None());
        }
      });
}

void Broker::OnZkWatch(const ZkWatchEvent& event) {
  if (event.path == zk_paths::kController) {
    if (event.type == ZkWatchType::kNodeDeleted) {
      controller_.Deactivate(ControllerResignReason::kControllerDeleted);
      TryElect();
    } else {
      zk_.Exists(zk_paths::kController, true, [](const ZkResult&) {});
    }
    return;
  }
  controller_.OnWatchEvent(event);
}

void Broker::SendAlterPartition(const AlterPartitionRequest& request) {
  if (!options_.config.inter_broker_protocol_version.alter_partition()) {
    // Before KIP-497 the leader writes its ISR into ZooKeeper itself.
    zk_isr_writer_.Write(request, metadata_.controller_epoch(),
                         [this](const AlterPartitionResponse& response) {
                           replica_manager_.HandleAlterPartitionResponse(response);
                         });
    return;
  }
  const NodeId controller = metadata_.NodeOf(metadata_.controller_id());
  if (controller == kNoNode) return;  // retried by the ISR check once a controller is known
  auto message = std::make_unique<AlterPartitionRequest>(request);
  message->correlation_id = next_correlation_id_++;
  env_.Send(controller, std::move(message));
}

void Broker::HandleMetadata(NodeId from, const MetadataRequest& request) {
  auto response = std::make_unique<MetadataResponse>(metadata_.Describe(request.topics));
  response->correlation_id = request.correlation_id;
  env_.Send(from, std::move(response));
}

void Broker::HandleUpdateMetadata(NodeId from, const UpdateMetadataRequest& request) {
  auto response = std::make_unique<UpdateMetadataResponse>();
  response->correlation_id = request.correlation_id;
  if (request.controller_epoch < metadata_.controller_epoch()) {
    response->error = ErrorCode::kStaleControllerEpoch;
  } else {
    const BrokerId previous_controller = metadata_.controller_id();
    metadata_.Update(request);
    if (previous_controller != metadata_.controller_id()) {
      replica_manager_.RetryPendingIsrChanges();
    }
  }
  env_.Send(from, std::move(response));
}

void Broker::OnMessage(NodeId from, MessagePtr message) {
  dispatch_.Dispatch(from, message);  // a type no component claimed is dropped
}

void Broker::OnConnectionReset(NodeId peer) {
  zk_.HandleConnectionReset(peer);
  replica_manager_.HandleConnectionReset(peer);
  controller_.HandleConnectionReset(peer);
  controlled_shutdown_.HandleConnectionReset(peer);
}

void Broker::PrepareShutdown(Callback proceed) {
  // Kafka asks only once startup completed (registered here), and only with at least one retry.
  if (!options_.config.controlled_shutdown_enable || !registered_ ||
      options_.config.controlled_shutdown_max_retries <= 0) {
    proceed();
    return;
  }
  auto shared = std::make_shared<Callback>(std::move(proceed));
  controlled_shutdown_.Run(broker_epoch_, [shared](bool) { (*shared)(); });
}

void Broker::Shutdown() {
  // A clean shutdown: checkpoints and closed logs (no recovery on restart), and the session
  // closed so that the controller learns of it at once.
  env_.Trace(ev::BrokerShutdown{{.broker = id()}});
  controller_.Deactivate(ControllerResignReason::kShutdown);
  replica_manager_.Shutdown();
  if (options_.config.elr_enabled()) WriteCleanShutdownEpoch();
  zk_.Close();
}

int64_t Broker::ReadCleanShutdownEpoch() {
  Disk& disk = env_.LocalDisk();
  if (!disk.Exists(kBrokerCleanShutdownFile)) return -1;
  std::string content;
  int64_t epoch = -1;
  constexpr std::string_view kPrefix = "broker_epoch=";
  if (disk.Read(kBrokerCleanShutdownFile, 0, disk.Size(kBrokerCleanShutdownFile), &content).ok() &&
      content.rfind(kPrefix, 0) == 0) {
    // Unreadable (a torn write): as if there were none.
    const char* begin = content.data() + kPrefix.size();
    const char* end = content.data() + content.size();
    int64_t parsed = -1;
    auto [stop, error] = std::from_chars(begin, end, parsed);
    if (error == std::errc() && stop == end) epoch = parsed;
  }
  // Deleted once read: a crash from here on must not find it.
  disk.Delete(kBrokerCleanShutdownFile);
  return epoch;
}

void Broker::WriteCleanShutdownEpoch() {
  // Kafka writes -1 when it stops before it ever learned its epoch.
  WriteFileAtomically(env_.LocalDisk(), kBrokerCleanShutdownFile,
                      "broker_epoch=" + std::to_string(broker_epoch_));
}

}  // namespace ks
