// TopicPartition: the name of one partition ("orders-0"), the key of everything per partition;
// TpRef, the same as a view, as trace events carry it.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/env/trace_event.h"

namespace ks {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  std::string Name() const { return topic + "-" + std::to_string(partition); }
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

// A partition as a trace event's field: a view of a TopicPartition's topic (or of an event's
// encoded bytes) and the partition number, -1 when not yet known (a send whose partition the
// producer has not chosen). In JSON it is Kafka's TopicPartition.toString(): "orders-0", and
// "orders--1" for an unknown partition.
struct TpRef {
  std::string_view topic;
  int32_t partition = -1;

  TpRef() = default;
  TpRef(const TopicPartition& tp)  // NOLINT: implicit, so emitters pass their TopicPartitions
      : topic(tp.topic), partition(tp.partition) {}
  TpRef(std::string_view topic_name, int32_t partition_number)
      : topic(topic_name), partition(partition_number) {}

  TopicPartition Owned() const { return TopicPartition{std::string(topic), partition}; }
  std::string Name() const { return std::string(topic) + "-" + std::to_string(partition); }
  bool operator==(const TpRef&) const = default;
};

template <>
struct FieldCodec<TpRef> {
  static constexpr std::string_view kType = "partition";
  static void Encode(FieldWriter& w, const TpRef& tp) {
    w.PutString(tp.topic);
    w.Put(tp.partition);
  }
  static void Decode(FieldReader& r, TpRef* tp) {
    tp->topic = r.GetString();
    tp->partition = r.Get<int32_t>();
  }
  static void Json(const TpRef& tp, std::string* out) {
    std::string name(tp.topic);
    name.push_back('-');
    AppendJsonInt(&name, tp.partition);
    AppendJsonString(out, name);
  }
};

// Kafka's broker ids are small integers chosen by configuration (broker.id); they are not the
// simulator's node ids. -1 means "none" (no leader, a consumer's replica id).
using BrokerId = int32_t;
constexpr BrokerId kNoBroker = -1;

}  // namespace ks
