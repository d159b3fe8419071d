// Clients: producers (sent, acknowledged, failed, unknown, in flight, last error) from the
// Jepsen-style history (history.op), and consumers per assigned partition: position, the
// partition's HW and LEO, lag (HW - position) and records read (history.op polls, consumer.fetch,
// consumer.reset). Column headers explain themselves in tooltips.
#include <string>
#include <vector>

#include "viewer/panels/panels.h"

namespace ks {
namespace {

void CountCell(int64_t value) {
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(value < 0 ? "?" : FormatCount(value).c_str());
}

// A count that is bad news when not zero: vermillion (and the number itself says it).
void AlarmCell(int64_t value) {
  ImGui::TableNextColumn();
  if (value > 0) {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion), "%s", FormatCount(value).c_str());
  } else {
    ImGui::TextUnformatted(FormatCount(value).c_str());
  }
}

constexpr ImGuiTableFlags kTableFlags =
    ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;

void DrawProducers(const ClusterModel& model) {
  if (!ImGui::BeginTable("producers", 7, kTableFlags)) return;
  TableHeaderRow({{"producer", "A producer client (a workload sending records)"},
                  {"sent", "Records handed to send() so far"},
                  {"acked", "Acknowledged by the leader (with acks=all: by the whole ISR)"},
                  {"failed",
                   "Definitely not written: rejected before any append, or never sent\n"
                   "before delivery.timeout.ms"},
                  {"unknown",
                   "Fate unknown: an attempt was sent but no answer came (timeout,\n"
                   "reset). It may or may not be in the log."},
                  {"in flight", "Sent, not yet acknowledged, failed or given up"},
                  {"last error", "The Kafka error of the last failed or unknown send"}});
  for (const auto& [name, client] : model.clients()) {
    if (!client.producer) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name.c_str());
    CountCell(client.sends_invoked);
    CountCell(client.sends_acked);
    AlarmCell(client.sends_failed);
    AlarmCell(client.sends_unknown);
    CountCell(client.InFlight());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(client.last_error.empty() ? "-" : client.last_error.c_str());
  }
  ImGui::EndTable();
}

void DrawConsumers(const ClusterModel& model) {
  if (!ImGui::BeginTable("consumers", 7, kTableFlags)) return;
  TableHeaderRow({{"consumer", "A consumer client (a workload polling records)"},
                  {"partition", "A partition assigned to it"},
                  {"position",
                   "The offset of the next record the application gets: one past\n"
                   "the last record a poll returned"},
                  {"HW",
                   "The partition's high watermark (its leader's): consumers may read\n"
                   "only below it, the records every ISR member has"},
                  {"LEO",
                   "The leader's log end offset: records from HW to LEO are written but\n"
                   "not yet committed, so no consumer sees them"},
                  {"lag", "HW - position: committed records this consumer has not read yet"},
                  {"read", "Records the application received from this partition"}});
  for (const auto& [name, client] : model.clients()) {
    if (!client.consumer) continue;
    bool first = true;
    if (client.partitions.empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextDisabled("no fetch yet");
    }
    for (const auto& [tp, partition] : client.partitions) {
      const ConsumerLagView lag = model.ConsumerLag(tp, partition);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(first ? name.c_str() : "");
      first = false;
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(tp.c_str());
      CountCell(partition.position);
      CountCell(lag.hw);
      CountCell(lag.leo);
      ImGui::TableNextColumn();
      if (lag.lag < 0) {
        ImGui::TextUnformatted("?");
      } else if (lag.lag == 0) {
        ImGui::TextColored(palette::ToVec4(palette::kBluishGreen), "0 caught up");
      } else {
        ImGui::TextColored(palette::ToVec4(palette::kVermillion), "%s behind",
                           FormatCount(lag.lag).c_str());
      }
      CountCell(partition.records_consumed);
      if (!partition.last_error.empty() && ImGui::IsItemHovered()) {
        ImGui::SetTooltip("last fetch error: %s", partition.last_error.c_str());
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace

void DrawClientsPanel(View& view) {
  PlacePanel(0.36f, 0.58f, 0.38f, 0.24f);
  ImGui::Begin("Clients");
  const ClusterModel& model = view.model;
  bool producers = false, consumers = false;
  for (const auto& [name, client] : model.clients()) {
    producers |= client.producer;
    consumers |= client.consumer;
  }
  if (!producers && !consumers) {
    ImGui::TextDisabled("No client operation yet.");
    ImGui::End();
    return;
  }
  if (producers) DrawProducers(model);
  if (producers && consumers) ImGui::Spacing();
  if (consumers) DrawConsumers(model);
  ImGui::End();
}

}  // namespace ks
