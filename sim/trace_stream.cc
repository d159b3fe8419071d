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

void TraceStream::Emit(TimeUs time_us, NodeId node, const EventKind& kind, std::string_view data) {
  if (clock_) {
    const TimeUs now_us = clock_();
    KS_CHECK_MSG(time_us >= now_us, "the " + std::string(kind.name) + " event of node " +
                                        std::to_string(node) + " has time " +
                                        std::to_string(time_us) + " us, before the clock's " +
                                        std::to_string(now_us) + " us");
    KS_CHECK_MSG(now_us >= last_clock_us_, "the simulated clock went back");
    last_clock_us_ = now_us;
  }
  if (!recording_) {
    if (kind.id >= observers_.size()) return;
    const TraceEventView view{-1, time_us, node, kind.name, &kind, data};
    for (TraceSink* sink : observers_[kind.id]) sink->OnEvent(view);
    return;
  }
  // The canonical encoding's head, written into the reused scratch buffer; the fields are hashed
  // where they are (one copy less), unless each event's own hash is kept too.
  scratch_.resize(8 + 4 + kind.name.size() + 1 + 4);
  char* p = scratch_.data();
  p = PutLittleEndian(p, static_cast<uint64_t>(time_us), 8);
  p = PutLittleEndian(p, static_cast<uint32_t>(node), 4);
  std::memcpy(p, kind.name.data(), kind.name.size());
  p += kind.name.size();
  *p++ = '\0';
  PutLittleEndian(p, static_cast<uint32_t>(data.size()), 4);
  XXH3_128bits_update(state_->xxh, scratch_.data(), scratch_.size());
  XXH3_128bits_update(state_->xxh, data.data(), data.size());
  if (keep_event_hashes_) {
    scratch_.append(data);
    event_hashes_.push_back(XXH3_64bits(scratch_.data(), scratch_.size()));
  }
  const TraceEventView view{next_seq_++, time_us, node, kind.name, &kind, data};
  for (TraceSink* sink : sinks_) sink->OnEvent(view);
  if (kind.id < observers_.size()) {
    for (TraceSink* sink : observers_[kind.id]) sink->OnEvent(view);
  }
}

Digest TraceStream::CurrentDigest() const {
  const XXH128_hash_t hash = XXH3_128bits_digest(state_->xxh);
  return Digest{hash.high64, hash.low64};
}

}  // namespace ks
