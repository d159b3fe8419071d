#include "sim/trace_stream.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "model/env/check.h"

namespace ks {

struct TraceStream::State {
  XXH3_state_t* xxh = nullptr;
};

std::string Digest::Hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = kHex[(high >> (4 * i)) & 15];
    out[31 - i] = kHex[(low >> (4 * i)) & 15];
  }
  return out;
}

TraceStream::TraceStream() : state_(new State) {
  state_->xxh = XXH3_createState();
  XXH3_128bits_reset(state_->xxh);
}

TraceStream::~TraceStream() {
  XXH3_freeState(state_->xxh);
  delete state_;
}

void TraceStream::RemoveSink(TraceSink* sink) { std::erase(sinks_, sink); }

void TraceStream::Observe(const EventKind& kind, TraceSink* sink) {
  if (observers_.size() <= kind.id) observers_.resize(kind.id + 1);
  observers_[kind.id].push_back(sink);
}

void TraceStream::StopObserving(TraceSink* sink) {
  for (std::vector<TraceSink*>& sinks : observers_) std::erase(sinks, sink);
}

namespace {
char* PutLittleEndian(char* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out + bytes;
}
}  // namespace

void TraceStream::Emit(TimeUs time_us, NodeId node, std::string_view kind,
                       std::string_view fields_json) {
  EmitWith(time_us, node, kind, fields_json, nullptr, {});
}

void TraceStream::EmitTyped(TimeUs time_us, NodeId node, const EventKind& kind,
                            std::string_view data) {
  if (!recording_) {
    if (kind.id >= observers_.size()) return;
    const TraceEventView view{-1, time_us, node, kind.name, {}, &kind, data};
    for (TraceSink* sink : observers_[kind.id]) sink->OnEvent(view);
    return;
  }
  // Sinks may emit while being handed this event: the JSON gets its own buffer then.
  std::string json;
  json.swap(json_scratch_);
  json.clear();
  KS_CHECK_MSG(kind.render_json(data, &json),
               "an event of kind " + std::string(kind.name) + " does not decode");
  EmitWith(time_us, node, kind.name, json, &kind, data);
  json_scratch_.swap(json);
}

void TraceStream::EmitWith(TimeUs time_us, NodeId node, std::string_view kind,
                           std::string_view fields_json, const EventKind* kind_info,
                           std::string_view data) {
  // The canonical encoding, written in one pass into the reused scratch buffer.
  scratch_.resize(8 + 4 + kind.size() + 1 + fields_json.size() + 1);
  char* p = scratch_.data();
  p = PutLittleEndian(p, static_cast<uint64_t>(time_us), 8);
  p = PutLittleEndian(p, static_cast<uint32_t>(node), 4);
  std::memcpy(p, kind.data(), kind.size());
  p += kind.size();
  *p++ = '\0';
  std::memcpy(p, fields_json.data(), fields_json.size());
  p += fields_json.size();
  *p = '\0';
  XXH3_128bits_update(state_->xxh, scratch_.data(), scratch_.size());
  if (keep_event_hashes_) event_hashes_.push_back(XXH3_64bits(scratch_.data(), scratch_.size()));
  const TraceEventView view{next_seq_++, time_us, node, kind, fields_json, kind_info, data};
  for (TraceSink* sink : sinks_) sink->OnEvent(view);
  if (kind_info != nullptr && kind_info->id < observers_.size()) {
    for (TraceSink* sink : observers_[kind_info->id]) sink->OnEvent(view);
  }
}

Digest TraceStream::CurrentDigest() const {
  const XXH128_hash_t hash = XXH3_128bits_digest(state_->xxh);
  return Digest{hash.high64, hash.low64};
}

}  // namespace ks
