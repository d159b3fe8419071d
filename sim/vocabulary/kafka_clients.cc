// Temporary: replaced once the client workloads land.
#include "sim/vocabulary/kafka_clients.h"

namespace ks {
ClientSpec ParseProducerSpec(Args& item, ParseScope&, const std::vector<NodeId>&) {
  item.Fail("producers are not available yet");
}
ClientSpec ParseConsumerSpec(Args& item, ParseScope&, const std::vector<NodeId>&) {
  item.Fail("consumers are not available yet");
}
void RegisterClientProbes(ScenarioRegistry&) {}
void AddClientSummary(ScenarioRun&, const std::vector<NodeId>&, const std::vector<NodeId>&,
                      std::vector<std::string>*) {}
}  // namespace ks
