// Typed trace events: every observable state change is a value of a declared event type.
//
// An event type is a plain struct that names its kind and lists its fields once:
//
//   namespace ev {
//   struct ReplicaHw {
//     static constexpr std::string_view kName = "replica.hw";
//     TpRef tp;
//     int64_t hw = 0;
//     int64_t leo = 0;
//     HwSource by = HwSource::kLeader;
//     static void Fields(auto& e, auto& v) { v("tp", e.tp); v("hw", e.hw); v("leo", e.leo); v("by",
//     e.by); }
//   };
//   }
//
// and is emitted with `env.Trace(ev::ReplicaHw{.tp = tp, .hw = hw, ...})`. `Fields` is the one
// list every use walks: the binary encoding (what the run's digest covers and the SQLite trace
// stores), decoding back into the struct (`TraceEventView::As<E>()`), the JSON rendering (for
// people, SQL and the viewer), and the schema (names and types, for docs and notebooks).
//
// Field types: int64_t, int32_t, bool, std::string_view, any enum with a `TraceName(E)` found by
// argument-dependent lookup, std::optional<T> of those (absent: the key is left out of the JSON),
// IntList<int32_t> / IntList<int64_t> (a list of ids or offsets), TraceList<S> (a list of small
// structs S that list their own Fields, rendered as JSON arrays), and types that specialise
// FieldCodec (TpRef, a partition, in model/kafka/topic_partition.h).
//
// Events are views: strings and lists point into the data they were built from (the emitter's
// variables, or the encoded bytes a sink was handed) and live no longer than that. A consumer
// that keeps something copies it into its own types.
//
// The binary encoding of an event's fields, in the order Fields lists them (little-endian,
// fixed width, no padding):
//   int64 8 bytes | int32 4 bytes | bool 1 byte (0 or 1) | enum 4 bytes (its value) |
//   string u32 length + bytes | optional u8 presence (0/1) + the value if present |
//   IntList u32 count + count values of the element's width |
//   TraceList u32 count + each element's fields | TpRef the topic as a string + int32 partition.
#pragma once

#include <atomic>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ks {

static_assert(std::endian::native == std::endian::little,
              "trace encodings are little-endian and lists are read in place");

// Appends `text` to *out as a JSON string literal (quotes included, escapes as needed).
void AppendJsonString(std::string* out, std::string_view text);

// Appends the decimal digits of an integer.
template <typename Int>
void AppendJsonInt(std::string* out, Int value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, end);
}

// Writes encoded field values at the end of a string.
class FieldWriter {
 public:
  explicit FieldWriter(std::string* out) : out_(out) {}
  void PutBytes(const void* data, size_t size) {
    out_->append(static_cast<const char*>(data), size);
  }
  template <typename T>
  void Put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    PutBytes(&value, sizeof value);
  }
  void PutString(std::string_view text) {
    Put(static_cast<uint32_t>(text.size()));
    PutBytes(text.data(), text.size());
  }

 private:
  std::string* out_;
};

// Reads encoded field values. Reading past the end (corrupt or truncated input, e.g. a damaged
// trace file) never touches memory outside the input: it yields zeros and marks the reader failed.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    if (!Has(sizeof value)) return value;
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  // `size` bytes as a view into the input (empty on failure).
  std::string_view GetBytes(size_t size) {
    if (!Has(size)) return {};
    std::string_view bytes = bytes_.substr(at_, size);
    at_ += size;
    return bytes;
  }
  std::string_view GetString() { return GetBytes(Get<uint32_t>()); }
  bool failed() const { return failed_; }
  bool at_end() const { return at_ == bytes_.size(); }
  size_t remaining() const { return bytes_.size() - at_; }

 private:
  bool Has(size_t size) {
    if (failed_ || bytes_.size() - at_ < size) {
      failed_ = true;
      return false;
    }
    return true;
  }
  std::string_view bytes_;
  size_t at_ = 0;
  bool failed_ = false;
};

// A list of integers: either a view of the emitter's vector, or of encoded bytes (the same layout
// on a little-endian host, so decoding copies nothing). Elements are read with memcpy, so the
// bytes need no alignment.
template <typename Int>
class IntList {
 public:
  IntList() = default;
  IntList(const std::vector<Int>& values)  // NOLINT: implicit, so emitters pass their vectors
      : data_(reinterpret_cast<const char*>(values.data())), size_(values.size()) {}
  IntList(std::span<const Int> values)  // NOLINT
      : data_(reinterpret_cast<const char*>(values.data())), size_(values.size()) {}
  static IntList FromBytes(const char* data, size_t count) {
    IntList list;
    list.data_ = data;
    list.size_ = count;
    return list;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Int operator[](size_t i) const {
    Int value;
    std::memcpy(&value, data_ + i * sizeof(Int), sizeof(Int));
    return value;
  }
  std::vector<Int> ToVector() const {
    std::vector<Int> values(size_);
    if (size_ > 0) std::memcpy(values.data(), data_, size_ * sizeof(Int));
    return values;
  }
  const char* bytes() const { return data_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// A list of small structs that list their own Fields (a fetch's partitions, a poll's records):
// a view of the emitter's elements, or elements decoded from bytes (owned here, themselves views
// of those bytes).
template <typename S>
class TraceList {
 public:
  TraceList() = default;
  TraceList(const std::vector<S>& items) : items_(items) {}  // NOLINT: implicit, as IntList
  TraceList(std::span<const S> items) : items_(items) {}     // NOLINT
  TraceList(const TraceList& other) { *this = other; }
  TraceList& operator=(const TraceList& other) {
    if (this == &other) return *this;
    if (other.owned_.empty()) {
      owned_.clear();
      items_ = other.items_;
    } else {
      owned_ = other.owned_;
      items_ = owned_;
    }
    return *this;
  }
  TraceList(TraceList&& other) noexcept { *this = std::move(other); }
  TraceList& operator=(TraceList&& other) noexcept {
    const bool owning = !other.owned_.empty();
    owned_ = std::move(other.owned_);
    items_ = owning ? std::span<const S>(owned_) : other.items_;
    other.items_ = {};
    return *this;
  }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const S& operator[](size_t i) const { return items_[i]; }
  const S* begin() const { return items_.data(); }
  const S* end() const { return items_.data() + items_.size(); }

  // For decoding: the list takes ownership of decoded elements.
  void Adopt(std::vector<S> items) {
    owned_ = std::move(items);
    items_ = owned_;
  }

 private:
  std::span<const S> items_;
  std::vector<S> owned_;
};

// How one field type is encoded, decoded and rendered. Specialise it for a new field type.
template <typename T, typename Enable = void>
struct FieldCodec;

template <typename Int>
struct IntegerCodec {
  static void Encode(FieldWriter& w, Int value) { w.Put(value); }
  static void Decode(FieldReader& r, Int* value) { *value = r.Get<Int>(); }
  static void Json(const Int& value, std::string* out) { AppendJsonInt(out, value); }
};

template <>
struct FieldCodec<int64_t> : IntegerCodec<int64_t> {
  static constexpr std::string_view kType = "int64";
};
template <>
struct FieldCodec<int32_t> : IntegerCodec<int32_t> {
  static constexpr std::string_view kType = "int32";
};

template <>
struct FieldCodec<bool> {
  static constexpr std::string_view kType = "bool";
  static void Encode(FieldWriter& w, bool value) { w.Put(static_cast<uint8_t>(value ? 1 : 0)); }
  static void Decode(FieldReader& r, bool* value) { *value = r.Get<uint8_t>() != 0; }
  static void Json(bool value, std::string* out) { out->append(value ? "true" : "false"); }
};

template <>
struct FieldCodec<std::string_view> {
  static constexpr std::string_view kType = "string";
  static void Encode(FieldWriter& w, std::string_view value) { w.PutString(value); }
  static void Decode(FieldReader& r, std::string_view* value) { *value = r.GetString(); }
  static void Json(std::string_view value, std::string* out) { AppendJsonString(out, value); }
};

// Enums: their value in 4 bytes; in JSON, the name `TraceName(value)` gives.
template <typename E>
struct FieldCodec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static constexpr std::string_view kType = "enum";
  static void Encode(FieldWriter& w, E value) { w.Put(static_cast<int32_t>(value)); }
  static void Decode(FieldReader& r, E* value) { *value = static_cast<E>(r.Get<int32_t>()); }
  static void Json(E value, std::string* out) { AppendJsonString(out, TraceName(value)); }
};

template <typename Int>
struct FieldCodec<IntList<Int>> {
  static constexpr std::string_view kType =
      sizeof(Int) == 8 ? std::string_view("int64[]") : std::string_view("int32[]");
  static void Encode(FieldWriter& w, const IntList<Int>& list) {
    w.Put(static_cast<uint32_t>(list.size()));
    if (!list.empty()) w.PutBytes(list.bytes(), list.size() * sizeof(Int));
  }
  static void Decode(FieldReader& r, IntList<Int>* list) {
    const uint32_t count = r.Get<uint32_t>();
    const std::string_view bytes = r.GetBytes(static_cast<size_t>(count) * sizeof(Int));
    *list = r.failed() ? IntList<Int>() : IntList<Int>::FromBytes(bytes.data(), count);
  }
  static void Json(const IntList<Int>& list, std::string* out) {
    out->push_back('[');
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendJsonInt(out, list[i]);
    }
    out->push_back(']');
  }
};

// --- Visitors over an event's Fields ----------------------------------------------------------

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

class FieldEncoder {
 public:
  explicit FieldEncoder(FieldWriter& w) : w_(w) {}
  template <typename T>
  void operator()(std::string_view, const T& value) {
    if constexpr (IsOptional<T>::value) {
      w_.Put(static_cast<uint8_t>(value.has_value() ? 1 : 0));
      if (value.has_value()) FieldCodec<typename T::value_type>::Encode(w_, *value);
    } else {
      FieldCodec<T>::Encode(w_, value);
    }
  }

 private:
  FieldWriter& w_;
};

class FieldDecoder {
 public:
  explicit FieldDecoder(FieldReader& r) : r_(r) {}
  template <typename T>
  void operator()(std::string_view, T& value) {
    if constexpr (IsOptional<T>::value) {
      if (r_.Get<uint8_t>() != 0) {
        typename T::value_type inner{};
        FieldCodec<typename T::value_type>::Decode(r_, &inner);
        value = std::move(inner);
      } else {
        value.reset();
      }
    } else {
      FieldCodec<T>::Decode(r_, &value);
    }
  }

 private:
  FieldReader& r_;
};

// Renders fields as the members of a JSON object ("key":value,...; absent optionals left out), or
// as the elements of a JSON array (a list element: positions instead of keys, absent as null).
class FieldJson {
 public:
  FieldJson(std::string* out, bool positional) : out_(out), positional_(positional) {}
  template <typename T>
  void operator()(std::string_view key, const T& value) {
    if constexpr (IsOptional<T>::value) {
      if (!value.has_value()) {
        if (!positional_) return;
        Separator();
        out_->append("null");
        return;
      }
      Key(key);
      FieldCodec<typename T::value_type>::Json(*value, out_);
    } else {
      Key(key);
      FieldCodec<T>::Json(value, out_);
    }
  }

 private:
  void Separator() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  void Key(std::string_view key) {
    Separator();
    if (positional_) return;
    out_->push_back('"');
    out_->append(key);
    out_->append("\":");
  }
  std::string* out_;
  bool positional_;
  bool first_ = true;
};

// A list element may be rendered as an object member instead of an array (`{"orders":[1,2]}`)
// by declaring `static constexpr bool kJsonObjectMember = true;`: its first field, a string, is
// the key and its second the value.
template <typename S>
concept JsonObjectMember = requires {
  requires S::kJsonObjectMember;
};

template <typename S>
struct FieldCodec<TraceList<S>> {
  static constexpr std::string_view kType = "list";
  static void Encode(FieldWriter& w, const TraceList<S>& list) {
    w.Put(static_cast<uint32_t>(list.size()));
    FieldEncoder encoder(w);
    for (const S& item : list) S::Fields(item, encoder);
  }
  static void Decode(FieldReader& r, TraceList<S>* list) {
    const uint32_t count = r.Get<uint32_t>();
    std::vector<S> items;
    FieldDecoder decoder(r);
    // Each element takes at least a byte: a count beyond what is left is corrupt input.
    for (uint32_t i = 0; i < count && !r.failed() && r.remaining() > 0; ++i) {
      S item{};
      S::Fields(item, decoder);
      items.push_back(std::move(item));
    }
    if (items.size() != count) {
      r.GetBytes(r.remaining() + 1);  // marks the reader failed
      return;
    }
    list->Adopt(std::move(items));
  }
  static void Json(const TraceList<S>& list, std::string* out) {
    if constexpr (JsonObjectMember<S>) {
      out->push_back('{');
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out->push_back(',');
        ObjectMember member(out);
        S::Fields(list[i], member);
      }
      out->push_back('}');
    } else {
      out->push_back('[');
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out->push_back(',');
        out->push_back('[');
        FieldJson json(out, /*positional=*/true);
        S::Fields(list[i], json);
        out->push_back(']');
      }
      out->push_back(']');
    }
  }

 private:
  // "key":value from an element's two fields.
  class ObjectMember {
   public:
    explicit ObjectMember(std::string* out) : out_(out) {}
    template <typename T>
    void operator()(std::string_view, const T& value) {
      FieldCodec<T>::Json(value, out_);
      if (index_++ == 0) out_->push_back(':');
    }

   private:
    std::string* out_;
    int index_ = 0;
  };
};

// --- Kinds ------------------------------------------------------------------------------------

// One field as the schema lists it (docs/trace-schema.md, the SQLite trace's `fields` table).
struct EventField {
  std::string_view key;
  std::string_view type;  // int64, int32, bool, string, enum, int32[], int64[], list, partition
  bool optional = false;
  std::vector<EventField> elements;  // a list's: the fields of each element, in order
};

// One kind of event: its name, its fields, and its JSON rendering from encoded bytes.
struct EventKind {
  std::string_view name;
  // Dense, from 0, in the order kinds are first used in this process: for lookup tables only,
  // never written anywhere (another process may number them differently).
  uint32_t id = 0;
  std::vector<EventField> fields;
  // Appends the JSON object of an event of this kind; false (and nothing sensible appended) if
  // `data` is not a valid encoding of it.
  bool (*render_json)(std::string_view data, std::string* out) = nullptr;
};

uint32_t NextEventKindId();

// A scratch buffer for encoding one event, taken from a small per-thread pool and given back when
// destroyed, so emitting an event does not allocate once the pool is warm. (A sink may emit an
// event while another is being delivered: each gets its own buffer.)
class TraceBuffer {
 public:
  TraceBuffer();
  ~TraceBuffer();
  TraceBuffer(const TraceBuffer&) = delete;
  TraceBuffer& operator=(const TraceBuffer&) = delete;
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Encodes an event's fields (appended to *out).
template <typename E>
void EncodeEvent(const E& event, std::string* out) {
  FieldWriter w(out);
  FieldEncoder encoder(w);
  E::Fields(event, encoder);
}

// Decodes an event's fields; nullopt if `data` is not exactly one valid encoding.
template <typename E>
std::optional<E> DecodeEvent(std::string_view data) {
  E event{};
  FieldReader r(data);
  FieldDecoder decoder(r);
  E::Fields(event, decoder);
  if (r.failed() || !r.at_end()) return std::nullopt;
  return event;
}

// The JSON object of an event, keys in Fields order.
template <typename E>
void AppendEventJson(const E& event, std::string* out) {
  out->push_back('{');
  FieldJson json(out, /*positional=*/false);
  E::Fields(event, json);
  out->push_back('}');
}

namespace trace_internal {

template <typename T>
struct ListElement {
  using type = void;
};
template <typename S>
struct ListElement<TraceList<S>> {
  using type = S;
};

class SchemaBuilder {
 public:
  explicit SchemaBuilder(std::vector<EventField>* fields) : fields_(fields) {}
  template <typename T>
  void operator()(std::string_view key, const T&) {
    if constexpr (IsOptional<T>::value) {
      Add<typename T::value_type>(key, true);
    } else {
      Add<T>(key, false);
    }
  }

 private:
  template <typename T>
  void Add(std::string_view key, bool optional) {
    EventField field{key, FieldCodec<T>::kType, optional, {}};
    using Element = typename ListElement<T>::type;
    if constexpr (!std::is_void_v<Element>) {
      Element prototype{};
      SchemaBuilder elements(&field.elements);
      Element::Fields(prototype, elements);
    }
    fields_->push_back(std::move(field));
  }
  std::vector<EventField>* fields_;
};

template <typename E>
bool RenderJson(std::string_view data, std::string* out) {
  std::optional<E> event = DecodeEvent<E>(data);
  if (!event) return false;
  AppendEventJson(*event, out);
  return true;
}

template <typename E>
EventKind MakeEventKind() {
  EventKind kind;
  kind.name = E::kName;
  kind.id = NextEventKindId();
  E prototype{};
  SchemaBuilder schema(&kind.fields);
  E::Fields(prototype, schema);
  kind.render_json = &RenderJson<E>;
  return kind;
}

}  // namespace trace_internal

// An event's fields as a JSON object; "{}" when `kind` is null or `data` does not decode.
inline std::string RenderEventJson(const EventKind* kind, std::string_view data) {
  std::string json;
  if (kind == nullptr || !kind->render_json(data, &json)) return "{}";
  return json;
}

// The kind of event type E (one object per type for the whole process).
template <typename E>
const EventKind& EventKindOf() {
  static const EventKind kind = trace_internal::MakeEventKind<E>();
  return kind;
}

}  // namespace ks
