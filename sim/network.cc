#include "sim/network.h"

#include <algorithm>

#include "model/env/check.h"

namespace ks {

Network::Network(Scheduler& scheduler, NetworkHost& host, LinkOptions defaults)
    : scheduler_(scheduler), host_(host), defaults_(defaults) {}

void Network::EnsureNodes(int32_t count) {
  if (count <= node_count_) return;
  std::vector<Direction> directions(static_cast<size_t>(count) * count);
  std::vector<Connection> connections(static_cast<size_t>(count) * count);
  for (auto& d : directions) d.options = defaults_;
  for (int32_t from = 0; from < node_count_; ++from) {
    for (int32_t to = 0; to < node_count_; ++to) {
      directions[static_cast<size_t>(from) * count + to] = Dir(from, to);
      connections[static_cast<size_t>(from) * count + to] = connections_[Index(from, to)];
    }
  }
  directions_ = std::move(directions);
  connections_ = std::move(connections);
  node_count_ = count;
}

void Network::SetLinkOptions(NodeId from, NodeId to, const LinkOptions& options) {
  Dir(from, to).options = options;
}

const LinkOptions& Network::link_options(NodeId from, NodeId to) const {
  return Dir(from, to).options;
}

void Network::SetDefaultOptions(const LinkOptions& options) {
  defaults_ = options;
  for (auto& d : directions_) d.options = options;
}

void Network::Drop(NodeId from, NodeId to, const Message* message, std::string_view reason) {
  Dir(from, to).stats.messages_dropped++;
  host_.TraceNetwork(NetworkHost::Traffic::kDrop, from, to, message, reason);
}

void Network::Send(NodeId from, NodeId to, MessagePtr message, TimeUs depart_at) {
  KS_CHECK(from >= 0 && from < node_count_ && to >= 0 && to < node_count_);
  KS_CHECK(message != nullptr);
  Direction& dir = Dir(from, to);
  Connection& conn = Conn(from, to);
  const int64_t size = message->SizeBytes();
  conn.open = true;
  dir.stats.messages_sent++;
  dir.stats.bytes_sent += size;
  if (host_.TraceMessages())
    host_.TraceNetwork(NetworkHost::Traffic::kSend, from, to, message.get(), "");
  if (dir.blocked) {
    dir.broken = true;
    Drop(from, to, message.get(), "partitioned");
    return;
  }
  if (dir.broken) {
    Drop(from, to, message.get(), "connection broken");
    return;
  }
  if (conn.severed && conn.severed_end == from) {
    // The end that lost power is back and opens a new connection; the other end's old socket is
    // dead, which it learns as a reset.
    RenewConnection(from, to);
    conn.open = true;
    host_.DeliverReset(to, from);
  }
  if (conn.closing_end == from) {
    // The end that exited cleanly is back before its close reached the peer: a new connection.
    RenewConnection(from, to);
    conn.open = true;
    host_.DeliverReset(to, from);
  }
  switch (host_.ReachabilityOf(to)) {
    case NetworkHost::Reachability::kListening:
      if (conn.severed) {
        // The peer restarted since it lost power: its new process answers our old connection
        // with a reset.
        Drop(from, to, message.get(), "connection reset by peer");
        const TimeUs reset_at = depart_at + dir.options.latency_min_us;
        scheduler_.Schedule(reset_at, [this, from, to] {
          RenewConnection(from, to);
          host_.DeliverReset(from, to);
        });
        return;
      }
      break;
    case NetworkHost::Reachability::kRefusing: {
      Drop(from, to, message.get(), "connection refused");
      if (conn.closing_end == to && conn.fin_incarnation == host_.Incarnation(from)) {
        return;  // its close, coming after its data, tells us
      }
      // The RST comes back after one latency; the connection is gone for both ends.
      const TimeUs refused_at = depart_at + dir.options.latency_min_us;
      scheduler_.Schedule(refused_at, [this, from, to] {
        RenewConnection(from, to);
        host_.DeliverReset(from, to);
      });
      return;
    }
    case NetworkHost::Reachability::kSilent:
      Drop(from, to, message.get(), "host down");
      return;
  }
  Rng& rng = host_.NetworkRng(from);
  if (dir.options.drop_ppm > 0 && rng.ChancePpm(dir.options.drop_ppm)) {
    Drop(from, to, message.get(), "lossy link");
    return;
  }
  TimeUs depart = std::max(depart_at, dir.link_free_at);
  DurationUs transmit_us = 0;
  if (dir.options.bandwidth_bytes_per_s > 0) {
    transmit_us = (size * kSecond + dir.options.bandwidth_bytes_per_s - 1) /
                  dir.options.bandwidth_bytes_per_s;
  }
  dir.link_free_at = depart + transmit_us;
  DurationUs latency = dir.options.latency_min_us;
  if (dir.options.latency_max_us > dir.options.latency_min_us) {
    latency = rng.Between(dir.options.latency_min_us, dir.options.latency_max_us);
  }
  if (dir.spike_until > depart) latency += dir.spike_extra_us;
  const TimeUs arrive = std::max(depart + transmit_us + latency, dir.last_arrival);
  dir.last_arrival = arrive;
  const uint64_t generation = conn.generation;
  scheduler_.Schedule(
      arrive,
      [this, from, to, generation, m = std::move(message)]() mutable {
        Arrive(from, to, generation, std::move(m));
      },
      to, host_.Incarnation(to));
}

void Network::Arrive(NodeId from, NodeId to, uint64_t generation, MessagePtr message) {
  Connection& conn = Conn(from, to);
  if (conn.generation != generation) {
    Drop(from, to, message.get(), "connection reset");
    return;
  }
  Direction& dir = Dir(from, to);
  if (dir.blocked) {
    dir.broken = true;
    Drop(from, to, message.get(), "partitioned");
    return;
  }
  if (dir.broken) {
    Drop(from, to, message.get(), "connection broken");
    return;
  }
  dir.stats.messages_delivered++;
  dir.stats.bytes_delivered += message->SizeBytes();
  if (host_.TraceMessages())
    host_.TraceNetwork(NetworkHost::Traffic::kDeliver, from, to, message.get(), "");
  host_.DeliverMessage(from, to, std::move(message));
}

void Network::Block(NodeId from, NodeId to) { Dir(from, to).blocked = true; }

void Network::Partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                        bool one_way) {
  for (NodeId a : side_a) {
    for (NodeId b : side_b) {
      if (a == b) continue;
      Block(a, b);
      if (!one_way) Block(b, a);
    }
  }
}

bool Network::IsBlocked(NodeId from, NodeId to) const { return Dir(from, to).blocked; }

void Network::HealAll() {
  for (auto& d : directions_) d.blocked = false;
  for (NodeId a = 0; a < node_count_; ++a) {
    for (NodeId b = a + 1; b < node_count_; ++b) {
      if (Dir(a, b).broken || Dir(b, a).broken) ResetConnection(a, b);
    }
  }
}

void Network::RenewConnection(NodeId a, NodeId b) {
  Connection& conn = Conn(a, b);
  conn.generation++;
  conn.open = false;
  conn.severed = false;
  conn.closing_end = kNoNode;
  // A fresh connection starts with empty pipes in both directions: nothing queued behind lost
  // messages (bandwidth) and no arrival order to respect (FIFO).
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    Direction& d = Dir(x, y);
    d.broken = false;
    d.last_arrival = scheduler_.Now();
    d.link_free_at = scheduler_.Now();
  }
}

void Network::ResetConnection(NodeId a, NodeId b) {
  RenewConnection(a, b);
  host_.DeliverReset(a, b);
  host_.DeliverReset(b, a);
}

void Network::ResetAllOf(NodeId node) {
  for (NodeId peer = 0; peer < node_count_; ++peer) {
    if (peer == node) continue;
    if (!Conn(node, peer).open) continue;
    // Also empties the pipes: the lost messages' transmission and arrival times used to delay
    // (bandwidth) and order (FIFO) the first messages of the restarted node.
    RenewConnection(node, peer);
    host_.DeliverReset(peer, node);
  }
}

void Network::CloseAllOf(NodeId node) {
  for (NodeId peer = 0; peer < node_count_; ++peer) {
    if (peer == node) continue;
    Connection& conn = Conn(node, peer);
    if (!conn.open) continue;
    conn.closing_end = node;
    conn.fin_incarnation = host_.Incarnation(peer);
    // The FIN follows the last message sent: an event of the peer's, so that it is deferred or
    // parked with the messages before it and never overtakes them.
    const TimeUs fin_at = std::max(scheduler_.Now(), Dir(node, peer).last_arrival);
    const uint64_t generation = conn.generation;
    scheduler_.Schedule(
        fin_at,
        [this, node, peer, generation] {
          if (Conn(node, peer).generation != generation) return;  // reset meanwhile
          RenewConnection(node, peer);
          host_.DeliverReset(peer, node);
        },
        peer, host_.Incarnation(peer));
  }
}

void Network::SeverAllOf(NodeId node) {
  for (NodeId peer = 0; peer < node_count_; ++peer) {
    if (peer == node) continue;
    Connection& conn = Conn(node, peer);
    if (!conn.open) continue;
    RenewConnection(node, peer);  // in-flight messages die with the generation
    conn.open = true;             // the peer still believes in it
    conn.severed = true;
    conn.severed_end = node;
  }
}

void Network::DelaySpike(NodeId from, NodeId to, DurationUs extra_us, TimeUs until) {
  Direction& d = Dir(from, to);
  d.spike_extra_us = extra_us;
  d.spike_until = until;
}

LinkStats Network::TotalStats() const {
  LinkStats total;
  for (const auto& d : directions_) {
    total.messages_sent += d.stats.messages_sent;
    total.bytes_sent += d.stats.bytes_sent;
    total.messages_delivered += d.stats.messages_delivered;
    total.bytes_delivered += d.stats.bytes_delivered;
    total.messages_dropped += d.stats.messages_dropped;
  }
  return total;
}

}  // namespace ks
