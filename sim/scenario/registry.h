// ScenarioRegistry: the vocabulary of scenario files — actions, probes, node kinds, node selectors
// and top-level sections — registered by each subsystem, never listed in a central switch.
//
// The world registers its own (sim/scenario/world_vocabulary.cc: crash, partition, node_status,
// ...); the model's subsystems register theirs (the log, brokers, clients) from their own files.
// Each entry carries a one-line summary and an argument synopsis, printed by `kafkasim vocabulary`
// and copied into docs/scenario-format.md, so the docs cannot drift from what the loader accepts.
//
// Parsing happens once, before the run, so that every mistake is reported with its position
// before anything runs; execution objects (Action, Probe, NodeSelector, Section) then act on a
// ScenarioRun.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "model/env/message.h"
#include "model/env/status.h"
#include "sim/event_catalog.h"
#include "sim/scenario/args.h"
#include "sim/world.h"

namespace ks {

class ScenarioRun;
class ScenarioRegistry;

// What a probe reads: a number or a text.
struct ProbeValue {
  bool is_text = false;
  int64_t number = 0;
  std::string text;

  static ProbeValue Number(int64_t n) { return ProbeValue{false, n, {}}; }
  static ProbeValue Text(std::string t) { return ProbeValue{true, 0, std::move(t)}; }
  std::string ToString() const { return is_text ? text : std::to_string(number); }
  bool operator==(const ProbeValue&) const = default;
};

// Names a node; resolved when a step runs ("b1", or later "the leader of orders-0").
class NodeSelector {
 public:
  virtual ~NodeSelector() = default;
  // The node, or kNoNode with *error saying why (e.g. "orders-0 has no leader").
  virtual NodeId Resolve(ScenarioRun& run, std::string* error) const = 0;
  virtual std::string Describe() const = 0;
};

class Action {
 public:
  virtual ~Action() = default;
  // Runs the action at the current simulated time. An error fails the step (exit 1), e.g. a
  // selector that matches no node at that moment.
  virtual Status Execute(ScenarioRun& run) = 0;
};

class Probe {
 public:
  virtual ~Probe() = default;
  virtual ProbeValue Read(ScenarioRun& run) const = 0;
  virtual std::string Describe() const = 0;  // "node_status(b1)"
};

// A top-level section of the file (e.g. "log:" now, "cluster:" later): it may declare nodes and
// sets things up before the nodes start.
class Section {
 public:
  virtual ~Section() = default;
  virtual void Setup(ScenarioRun& run) = 0;
};

// The most nodes a scenario may declare: the network keeps a connection and link options for
// every ordered pair of nodes, and grows that table as nodes are added.
inline constexpr size_t kMaxNodes = 256;

// Parse-time context: who is reading and which nodes exist.
struct ParseScope {
  const ScenarioRegistry& registry;
  std::string file;
  std::vector<std::string> node_names;  // from `nodes:` and sections, in declaration order
  // The role of each node that declared one ("broker", "zookeeper"): a nemesis's default targets.
  std::map<std::string, std::string, std::less<>> node_roles;
  // The sections declared so far (they are read before the timeline and the expectations), so a
  // word that needs one refuses to be used without it.
  std::set<std::string, std::less<>> sections;
  // world.disk: the disk every node has unless it sets its own.
  DiskOptions disk_defaults;

  // Declares a node: fails at `where` if a node has that name already, or if there would be
  // more than kMaxNodes.
  void AddNode(const SourcePosition& where, std::string name, std::string role = "");
  // Fails at `where` unless the section `name` is declared.
  void RequireSection(const SourcePosition& where, std::string_view name,
                      std::string_view word) const;

  // The id the node will have in the world: nodes are added in declaration order (the `nodes:`
  // list first, then sections in file order), so ids are known while parsing and factories can
  // capture them. kNoNode if unknown.
  NodeId NodeIdOf(std::string_view name) const;

  // Reads a node selector from `key`: a node name, or a mapping handled by a registered
  // selector ({leader_of: orders-0}).
  std::unique_ptr<NodeSelector> ParseNode(Args& args, std::string_view key) const;
  std::unique_ptr<NodeSelector> ParseNodeValue(const YAML::Node& value) const;
  std::vector<std::unique_ptr<NodeSelector>> ParseNodeList(Args& args, std::string_view key) const;
};

struct VocabularyDoc {
  std::string summary;   // one line: what it does
  std::string synopsis;  // its keys: "node: NAME"
};

using ActionParser = std::function<std::unique_ptr<Action>(Args& args, ParseScope& scope)>;
using ProbeParser = std::function<std::unique_ptr<Probe>(Args& args, ParseScope& scope)>;
// Reads a node's kind-specific keys and returns how to build its Process.
using NodeKindParser = std::function<ProcessFactory(Args& node, ParseScope& scope)>;
using SectionParser = std::function<std::unique_ptr<Section>(Args& section, ParseScope& scope)>;
using SelectorParser =
    std::function<std::unique_ptr<NodeSelector>(Args& selector, ParseScope& scope)>;
// Adds lines to the run's summary ("brokers  3 up, 1 election").
using SummaryHook = std::function<void(ScenarioRun& run, std::vector<std::string>* lines)>;
// Runs when the run ends, before expectations are checked (final checkers belong here); may add
// failures (each "what failed, where") that make the run exit 1.
using FinishHook = std::function<void(ScenarioRun& run, std::vector<std::string>* failures)>;

class ScenarioRegistry {
 public:
  template <typename Parser>
  struct Entry {
    VocabularyDoc doc;
    Parser parse;
    std::string role;  // node kinds only
  };

  void AddAction(std::string name, VocabularyDoc doc, ActionParser parser);
  void AddProbe(std::string name, VocabularyDoc doc, ProbeParser parser);
  void AddNodeKind(std::string name, std::string role, VocabularyDoc doc, NodeKindParser parser);
  void AddSection(std::string name, VocabularyDoc doc, SectionParser parser);
  void AddSelector(std::string key, VocabularyDoc doc, SelectorParser parser);
  void AddSummary(SummaryHook hook) { summaries_.push_back(std::move(hook)); }
  void AddFinishHook(FinishHook hook) { finish_hooks_.push_back(std::move(hook)); }
  // The trace event kinds a subsystem emits: events().Add<ev::A, ev::B>().
  EventCatalog& events() { return events_; }
  const EventCatalog& events() const { return events_; }

  const std::map<std::string, Entry<ActionParser>>& actions() const { return actions_; }
  const std::map<std::string, Entry<ProbeParser>>& probes() const { return probes_; }
  const std::map<std::string, Entry<NodeKindParser>>& node_kinds() const { return node_kinds_; }
  const std::map<std::string, Entry<SectionParser>>& sections() const { return sections_; }
  const std::map<std::string, Entry<SelectorParser>>& selectors() const { return selectors_; }
  const std::vector<SummaryHook>& summaries() const { return summaries_; }
  const std::vector<FinishHook>& finish_hooks() const { return finish_hooks_; }

  // "kafkasim vocabulary": every entry with its doc, grouped.
  std::string DescribeVocabulary() const;

 private:
  std::map<std::string, Entry<ActionParser>> actions_;
  std::map<std::string, Entry<ProbeParser>> probes_;
  std::map<std::string, Entry<NodeKindParser>> node_kinds_;
  std::map<std::string, Entry<SectionParser>> sections_;
  std::map<std::string, Entry<SelectorParser>> selectors_;
  std::vector<SummaryHook> summaries_;
  std::vector<FinishHook> finish_hooks_;
  EventCatalog events_;
};

template <typename Map>
std::vector<std::string> KeysOf(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

}  // namespace ks
