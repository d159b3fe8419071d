// Callback: a move-only `void()` callable with inline storage, used for timers and scheduled
// events. Captures up to kInlineBytes live inside the object (no allocation); larger ones fall
// back to the heap. Why not std::function: it must be copyable, and libstdc++'s inline buffer is
// 16 bytes, so most closures of the simulation (this + a few ids) would allocate per event.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace ks {

class Callback {
 public:
  static constexpr std::size_t kInlineBytes = 48;

  Callback() = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  Callback(F&& f) {  // NOLINT: implicit by design, like std::function.
    using Fn = std::decay_t<F>;
    if constexpr (sizeof(Fn) <= kInlineBytes && alignof(Fn) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<Fn>) {
      new (storage_) Fn(std::forward<F>(f));
      ops_ = &InlineOps<Fn>::kOps;
    } else {
      *reinterpret_cast<Fn**>(storage_) = new Fn(std::forward<F>(f));
      ops_ = &HeapOps<Fn>::kOps;
    }
  }

  Callback(Callback&& other) noexcept { MoveFrom(other); }
  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      Reset();
      MoveFrom(other);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }

  void Reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  // move and destroy are null for trivially copyable closures (pointers and ids, the common
  // case): moving one is then a plain copy of the buffer and destroying it is nothing, which
  // saves two indirect calls per scheduled event.
  struct Ops {
    void (*invoke)(void* storage);
    void (*move)(void* from, void* to);  // move-constructs into `to`, destroys `from`
    void (*destroy)(void* storage);
  };

  template <typename Fn>
  struct InlineOps {
    static constexpr bool kTrivial =
        std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>;
    static void Invoke(void* s) { (*static_cast<Fn*>(s))(); }
    static void Move(void* from, void* to) {
      new (to) Fn(std::move(*static_cast<Fn*>(from)));
      static_cast<Fn*>(from)->~Fn();
    }
    static void Destroy(void* s) { static_cast<Fn*>(s)->~Fn(); }
    static constexpr Ops kOps{&Invoke, kTrivial ? nullptr : &Move, kTrivial ? nullptr : &Destroy};
  };

  template <typename Fn>
  struct HeapOps {
    static void Invoke(void* s) { (**static_cast<Fn**>(s))(); }
    static void Move(void* from, void* to) { *static_cast<Fn**>(to) = *static_cast<Fn**>(from); }
    static void Destroy(void* s) { delete *static_cast<Fn**>(s); }
    static constexpr Ops kOps{&Invoke, &Move, &Destroy};
  };

  void MoveFrom(Callback& other) {
    if (other.ops_ != nullptr) {
      if (other.ops_->move != nullptr) {
        other.ops_->move(other.storage_, storage_);
      } else {
        std::memcpy(storage_, other.storage_, kInlineBytes);
      }
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char storage_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace ks
