// Generation: a counter a component advances when the callbacks it has handed out must stop
// mattering — a controller that resigns, a broker whose ZooKeeper session expired. Guard(f) wraps
// a callback so that it runs only while the generation it was made in is still current; after
// Advance() every older guard drops its call (the callback is not run, its arguments are
// ignored).
//
// Why: a ZooKeeper answer or a timer can arrive long after the state it was meant for is gone (a
// deposed controller's read, a registration retry of an expired session). Comparing a captured
// counter by hand in each callback is easy to forget in one of them; the guard says it once.
//
// The guarded callable refers to this Generation: the owner must outlive every guard it made,
// or make sure none runs after it is gone (as with `this` captured by the callbacks themselves;
// a node's timers and ZooKeeper callbacks die with its incarnation).
#pragma once

#include <cstdint>
#include <utility>

namespace ks {

class Generation {
 public:
  Generation() = default;
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // Makes every guard made so far inert.
  void Advance() { ++value_; }
  uint64_t value() const { return value_; }

  // `f` (any arguments, no result), run only if Advance() has not been called since.
  template <typename F>
  auto Guard(F f) const {
    return [this, made_in = value_, f = std::move(f)](auto&&... args) {
      if (made_in != value_) return;
      f(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  uint64_t value_ = 0;
};

}  // namespace ks
