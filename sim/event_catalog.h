// EventCatalog: every kind of trace event a program knows, by name — what a reader needs to turn
// a recorded event (its kind's name and encoded fields) back into a typed one, and what the docs
// test and `kafkasim vocabulary` list. Subsystems add their event types where they register
// their scenario words (ScenarioRegistry::events()), so a new kind is declared in one place.
#pragma once

#include <map>
#include <string_view>
#include <vector>

#include "model/env/check.h"
#include "model/env/trace_event.h"

namespace ks {

class EventCatalog {
 public:
  template <typename... Events>
  void Add() {
    (AddKind(EventKindOf<Events>()), ...);
  }
  // Null if no kind of that name is known.
  const EventKind* Find(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
  }
  // Every kind, ordered by name.
  std::vector<const EventKind*> kinds() const {
    std::vector<const EventKind*> all;
    for (const auto& [name, kind] : by_name_) all.push_back(kind);
    return all;
  }

 private:
  void AddKind(const EventKind& kind) {
    auto [it, inserted] = by_name_.emplace(kind.name, &kind);
    KS_CHECK_MSG(inserted || it->second == &kind,
                 "two event types share the kind name " + std::string(kind.name));
  }
  std::map<std::string_view, const EventKind*, std::less<>> by_name_;
};

}  // namespace ks
