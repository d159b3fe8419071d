// Network: ordered, per-pair connections between simulated nodes, with latency, bandwidth and
// faults.
//
// Semantics (TCP-like): between two nodes there is one connection; messages on it arrive in the
// order they were sent, at most once, with no gaps. A message's arrival time is
//   depart = max(send time, the link's previous transmission end)         (bandwidth queueing)
//   arrive = depart + size / bandwidth + latency, latency uniform in [min, max] plus any spike,
//   and never before the previous message of the same direction arrived  (FIFO).
// Faults:
// - Partition: a blocked direction drops what crosses it (checked when sent and when it would
//   arrive) and marks that direction of the connection broken: later messages in that direction
//   are dropped too, so a connection never delivers with a gap. The other direction keeps
//   working, so a one-way partition stays one-way. Heal resets every broken connection (both
//   ends are told through OnConnectionReset), as a TCP connection that timed out is
//   re-established.
// - Reset: in-flight messages are lost, both ends are told at once.
// - Delay spike: extra latency on a link for a while.
// - drop_ppm: independent loss of single messages, for experiments that want lossy links. This
//   one deliberately breaks the no-gap promise, and is off by default.
// A killed node's connections are reset (its peers are told); a cleanly stopped node's close
// after what it sent has arrived; messages to a paused node wait.
// Sending to a node with no process: refused at once (a reset) if its machine is up, lost in
// silence if its machine is down (power loss).
//
// Randomness: latency and loss draw from the sending node's "network" stream, so traffic of one
// node never shifts the draws of another.
#pragma once

#include <cstdint>
#include <vector>

#include "model/env/message.h"
#include "model/env/rng.h"
#include "model/env/time.h"
#include "sim/scheduler.h"

namespace ks {

struct LinkOptions {
  DurationUs latency_min_us = 200;
  DurationUs latency_max_us = 600;
  int64_t bandwidth_bytes_per_s = 0;  // 0: unlimited
  uint32_t drop_ppm = 0;              // independent loss, parts per million
};

struct LinkStats {
  int64_t messages_sent = 0;
  int64_t bytes_sent = 0;
  int64_t messages_delivered = 0;
  int64_t bytes_delivered = 0;
  int64_t messages_dropped = 0;
};

// What the network needs from the world: delivery, notifications, randomness and traces.
class NetworkHost {
 public:
  virtual ~NetworkHost() = default;
  virtual uint32_t Incarnation(NodeId node) const = 0;
  virtual void DeliverMessage(NodeId from, NodeId to, MessagePtr message) = 0;
  virtual void DeliverReset(NodeId node, NodeId peer) = 0;
  virtual Rng& NetworkRng(NodeId sender) = 0;
  // Called for drops always, and for sends/deliveries when message tracing is on.
  enum class Traffic { kSend, kDeliver, kDrop };
  virtual void TraceNetwork(Traffic what, NodeId from, NodeId to, const Message* message,
                            std::string_view reason) = 0;
  virtual bool TraceMessages() const = 0;
  // Whether a process listens on the node. A node whose process died while its machine stayed up
  // (kill, clean stop) refuses connections: the sender gets a reset (TCP's RST) one latency later.
  // A node whose machine is down (power loss) answers nothing: what is sent there is lost, and the
  // sender only finds out by its own timeouts.
  enum class Reachability { kListening, kRefusing, kSilent };
  virtual Reachability ReachabilityOf(NodeId node) const = 0;
};

class Network {
 public:
  Network(Scheduler& scheduler, NetworkHost& host, LinkOptions defaults);

  // Grows the node set; links of new nodes use the defaults.
  void EnsureNodes(int32_t count);
  int32_t node_count() const { return node_count_; }

  void SetLinkOptions(NodeId from, NodeId to, const LinkOptions& options);
  const LinkOptions& link_options(NodeId from, NodeId to) const;
  void SetDefaultOptions(const LinkOptions& options);

  // Sends a message leaving `from` at time `depart_at` (>= now).
  void Send(NodeId from, NodeId to, MessagePtr message, TimeUs depart_at);

  // Blocks `from` -> `to`.
  void Block(NodeId from, NodeId to);
  // Blocks every direction from a member of `side_a` to a member of `side_b` (and back, unless
  // one_way).
  void Partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                 bool one_way);
  // Unblocks everything and resets the connections broken meanwhile.
  void HealAll();
  bool IsBlocked(NodeId from, NodeId to) const;

  // Loses the in-flight messages between a and b; both ends are told.
  void ResetConnection(NodeId a, NodeId b);
  // Resets every connection of `node` (its process died, the machine is up: the kernel sends
  // RST/FIN). Its peers are told; it is not.
  void ResetAllOf(NodeId node);
  // The process of `node` exited cleanly (the machine is up): what it sent still arrives, then
  // each peer is told the connection closed (FIN after the data). Meanwhile what peers send to
  // it is refused without a reset of its own: the coming close tells them.
  void CloseAllOf(NodeId node);
  // The machine of `node` lost power: its connections die without a word. In-flight messages are
  // lost and the peers are not told; a peer that sends on such a connection later learns of it
  // by a reset once the node is back up (the new process knows no such connection).
  void SeverAllOf(NodeId node);
  // Adds `extra_us` of latency to from -> to until `until`.
  void DelaySpike(NodeId from, NodeId to, DurationUs extra_us, TimeUs until);

  const LinkStats& stats(NodeId from, NodeId to) const { return Dir(from, to).stats; }
  LinkStats TotalStats() const;

 private:
  struct Direction {
    LinkOptions options;
    LinkStats stats;
    TimeUs link_free_at = 0;
    TimeUs last_arrival = 0;
    DurationUs spike_extra_us = 0;
    TimeUs spike_until = 0;
    bool blocked = false;
    // A message in this direction was dropped by a partition: drop the rest until a reset. Kept
    // per direction: a flag shared by the pair made a one-way partition drop both ways.
    bool broken = false;
  };
  // A connection is shared by both directions of a pair.
  struct Connection {
    uint64_t generation = 0;
    bool open = false;     // a message was sent since the last reset: there is something to reset
    bool severed = false;  // one end lost power; the other end does not know yet
    NodeId severed_end = kNoNode;  // the end that lost power
    NodeId closing_end = kNoNode;  // the end that exited cleanly; its FIN is on the way
    uint32_t fin_incarnation = 0;  // ... to this incarnation of the other end
  };

  Direction& Dir(NodeId from, NodeId to) { return directions_[Index(from, to)]; }
  const Direction& Dir(NodeId from, NodeId to) const { return directions_[Index(from, to)]; }
  Connection& Conn(NodeId a, NodeId b) { return connections_[a < b ? Index(a, b) : Index(b, a)]; }
  size_t Index(NodeId from, NodeId to) const {
    return static_cast<size_t>(from) * static_cast<size_t>(node_count_) + static_cast<size_t>(to);
  }
  void Arrive(NodeId from, NodeId to, uint64_t generation, MessagePtr message);
  void Drop(NodeId from, NodeId to, const Message* message, std::string_view reason);
  // Starts a new connection between a and b: in-flight messages become stale, pipes are empty.
  void RenewConnection(NodeId a, NodeId b);

  Scheduler& scheduler_;
  NetworkHost& host_;
  LinkOptions defaults_;
  int32_t node_count_ = 0;
  std::vector<Direction> directions_;
  std::vector<Connection> connections_;
};

}  // namespace ks
