#include "sim/scenario/registry.h"

#include <sstream>

#include "sim/scenario/runner.h"

namespace ks {

namespace {

// A node named in the file, resolved by name.
class NamedNode final : public NodeSelector {
 public:
  explicit NamedNode(std::string name) : name_(std::move(name)) {}
  NodeId Resolve(ScenarioRun& run, std::string* error) const override {
    const NodeId id = run.world().FindNode(name_);
    if (id == kNoNode) *error = "no node named '" + name_ + "'";
    return id;
  }
  std::string Describe() const override { return name_; }

 private:
  std::string name_;
};

}  // namespace

void ParseScope::AddNode(const SourcePosition& where, std::string name, std::string role) {
  for (const std::string& existing : node_names) {
    if (existing == name) throw ScenarioError(where, "a node named '" + name + "' exists already");
  }
  if (node_names.size() >= kMaxNodes) {
    throw ScenarioError(where, "a scenario holds at most " + std::to_string(kMaxNodes) +
                                   " nodes (the network keeps a link for every pair of nodes)");
  }
  if (!role.empty()) node_roles[name] = std::move(role);
  node_names.push_back(std::move(name));
}

void ParseScope::RequireSection(const SourcePosition& where, std::string_view name,
                                std::string_view word) const {
  if (sections.count(name) != 0) return;
  throw ScenarioError(where, "'" + std::string(word) + "' needs a '" + std::string(name) +
                                 ":' section in the scenario");
}

NodeId ParseScope::NodeIdOf(std::string_view name) const {
  for (size_t i = 0; i < node_names.size(); ++i) {
    if (node_names[i] == name) return static_cast<NodeId>(i);
  }
  return kNoNode;
}

std::unique_ptr<NodeSelector> ParseScope::ParseNodeValue(const YAML::Node& value) const {
  if (value.IsScalar()) {
    const std::string name = value.Scalar();
    for (const std::string& known : node_names) {
      if (known == name) return std::make_unique<NamedNode>(name);
    }
    std::string list;
    for (const std::string& known : node_names) list += (list.empty() ? "" : ", ") + known;
    throw ScenarioError(
        PositionOf(file, value),
        "no node named '" + name + "'" + DidYouMean(name, node_names) + "; the nodes are: " + list);
  }
  if (value.IsMap() && value.size() == 1) {
    const std::string key = value.begin()->first.Scalar();
    auto it = registry.selectors().find(key);
    if (it == registry.selectors().end()) {
      throw ScenarioError(
          PositionOf(file, value.begin()->first),
          "unknown node selector '" + key + "'" + DidYouMean(key, KeysOf(registry.selectors())));
    }
    Args args(file, value, "node selector");
    auto selector = it->second.parse(args, const_cast<ParseScope&>(*this));
    args.Finish();
    return selector;
  }
  throw ScenarioError(PositionOf(file, value),
                      "expected a node name, or a selector like {leader_of: orders-0}");
}

std::unique_ptr<NodeSelector> ParseScope::ParseNode(Args& args, std::string_view key) const {
  const YAML::Node value = args.Raw(key);
  if (!value.IsDefined() || value.IsNull()) args.Fail("this needs '" + std::string(key) + "'");
  return ParseNodeValue(value);
}

std::vector<std::unique_ptr<NodeSelector>> ParseScope::ParseNodeList(Args& args,
                                                                     std::string_view key) const {
  const YAML::Node value = args.Raw(key);
  if (!value.IsDefined() || value.IsNull()) args.Fail("this needs '" + std::string(key) + "'");
  std::vector<std::unique_ptr<NodeSelector>> nodes;
  if (value.IsSequence()) {
    for (const YAML::Node& item : value) nodes.push_back(ParseNodeValue(item));
  } else {
    nodes.push_back(ParseNodeValue(value));
  }
  return nodes;
}

void ScenarioRegistry::AddAction(std::string name, VocabularyDoc doc, ActionParser parser) {
  actions_[std::move(name)] = {std::move(doc), std::move(parser), {}};
}
void ScenarioRegistry::AddProbe(std::string name, VocabularyDoc doc, ProbeParser parser) {
  probes_[std::move(name)] = {std::move(doc), std::move(parser), {}};
}
void ScenarioRegistry::AddNodeKind(std::string name, std::string role, VocabularyDoc doc,
                                   NodeKindParser parser) {
  node_kinds_[std::move(name)] = {std::move(doc), std::move(parser), std::move(role)};
}
void ScenarioRegistry::AddSection(std::string name, VocabularyDoc doc, SectionParser parser) {
  sections_[std::move(name)] = {std::move(doc), std::move(parser), {}};
}
void ScenarioRegistry::AddSelector(std::string key, VocabularyDoc doc, SelectorParser parser) {
  selectors_[std::move(key)] = {std::move(doc), std::move(parser), {}};
}

namespace {
template <typename Map>
void DescribeGroup(std::ostringstream& out, const char* title, const char* hint, const Map& map) {
  out << title << " (" << hint << ")\n";
  for (const auto& [name, entry] : map) {
    out << "  " << name;
    if (!entry.doc.synopsis.empty()) out << "  " << entry.doc.synopsis;
    out << "\n      " << entry.doc.summary << "\n";
  }
  out << "\n";
}
}  // namespace

std::string ScenarioRegistry::DescribeVocabulary() const {
  std::ostringstream out;
  DescribeGroup(out, "Actions", "timeline steps: do: NAME, then its keys", actions_);
  DescribeGroup(out, "Probes", "conditions: that: NAME, its keys, then one comparison", probes_);
  DescribeGroup(out, "Node kinds", "nodes: - name: N, kind: NAME, then its keys", node_kinds_);
  DescribeGroup(out, "Sections", "top-level keys added by subsystems", sections_);
  DescribeGroup(out, "Node selectors", "wherever a node is expected: {KEY: ...}", selectors_);
  out << "\nTrace events (docs/trace-schema.md): kind, then its fields in order (? optional)\n";
  for (const EventKind* kind : events_.kinds()) {
    out << "  " << kind->name;
    for (const EventField& field : kind->fields) {
      out << " " << field.key << (field.optional ? "?" : "") << ":" << field.type;
      if (!field.elements.empty()) {
        out << "[";
        for (size_t i = 0; i < field.elements.size(); ++i) {
          out << (i > 0 ? " " : "") << field.elements[i].key
              << (field.elements[i].optional ? "?" : "") << ":" << field.elements[i].type;
        }
        out << "]";
      }
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace ks
