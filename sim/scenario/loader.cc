#include "sim/scenario/loader.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "model/kafka/errors.h"
#include "sim/scenario/world_vocabulary.h"

namespace ks {

namespace {

const std::vector<std::string> kTopLevelKeys = {
    "name",    "description",      "seed",   "world",   "nodes",     "timeline", "injected",
    "nemesis", "nemesis_schedule", "expect", "run_for", "max_events"};

LinkOptions ParseLinkOptions(Args& args, LinkOptions link) {
  if (auto latency = args.GetMap("latency")) {
    link.latency_min_us = latency->GetDuration("min", link.latency_min_us);
    link.latency_max_us = latency->GetDuration("max", link.latency_min_us);
    if (link.latency_max_us < link.latency_min_us) {
      latency->FailAt("max", "latency max (" + FormatDuration(link.latency_max_us) +
                                 ") is below min (" + FormatDuration(link.latency_min_us) + ")");
    }
    latency->Finish();
  }
  link.bandwidth_bytes_per_s = args.GetSize("bandwidth_bytes_per_s", link.bandwidth_bytes_per_s);
  const int64_t drop_ppm = args.GetInteger("drop_ppm", link.drop_ppm);
  if (drop_ppm < 0 || drop_ppm > 1000000) {
    args.FailAt("drop_ppm",
                "drop_ppm is parts per million: 0 to 1000000, found " + std::to_string(drop_ppm));
  }
  link.drop_ppm = static_cast<uint32_t>(drop_ppm);
  return link;
}

void ParseWorld(Args& args, Scenario& scenario) {
  WorldOptions& world = scenario.world;
  world.wall_clock_start_ms = args.GetInteger("wall_clock_start_ms", world.wall_clock_start_ms);
  world.trace_messages = args.GetBool("trace_messages", world.trace_messages);
  world.tracing = args.GetBool("tracing", world.tracing);
  if (auto network = args.GetMap("network")) {
    network->Allow("links");
    world.link_defaults = ParseLinkOptions(*network, world.link_defaults);
    const YAML::Node links = network->Raw("links");
    if (links.IsDefined() && !links.IsNull()) {
      if (!links.IsSequence()) network->FailAt("links", "expected a list of links");
      for (const YAML::Node& item : links) {
        Args link(args.file(), item, "link");
        const std::string from = link.GetString("from");
        const std::string to = link.GetString("to");
        LinkOptions options = ParseLinkOptions(link, world.link_defaults);
        link.Finish();
        scenario.link_overrides.push_back({{from, to}, options});
      }
    }
    network->Finish();
  }
  if (auto disk = args.GetMap("disk"))
    world.disk_defaults = ParseDiskOptions(*disk, world.disk_defaults);
  args.Finish();
}

void ParseNodes(const YAML::Node& list, Scenario& scenario, ParseScope& scope) {
  if (!list.IsSequence()) {
    throw ScenarioError(PositionOf(scope.file, list), "expected a list of nodes under 'nodes'");
  }
  for (const YAML::Node& item : list) {
    Args args(scope.file, item, "node");
    NodeSpec spec;
    spec.position = args.position();
    spec.name = args.GetString("name");
    const std::vector<std::string> kinds = KeysOf(scope.registry.node_kinds());
    spec.kind = args.GetChoice("kind", kinds);
    spec.start = args.GetBool("start", true);
    spec.disk = scenario.world.disk_defaults;
    if (auto disk = args.GetMap("disk")) spec.disk = ParseDiskOptions(*disk, spec.disk);
    scope.AddNode(args.PositionOfKey("name"), spec.name);
    scenario.nodes.push_back(std::move(spec));
  }
  // Kind-specific keys are parsed once every name is known, so nodes may refer to each other.
  size_t index = 0;
  for (const YAML::Node& item : list) {
    NodeSpec& spec = scenario.nodes[index++];
    Args args(scope.file, item, "node '" + spec.name + "'");
    args.Allow("name");
    args.Allow("kind");
    args.Allow("start");
    args.Allow("disk");
    const auto& entry = scope.registry.node_kinds().at(spec.kind);
    spec.role = entry.role;
    spec.factory = entry.parse(args, scope);
    args.Finish();
  }
}

Condition ParseCondition(Args& args, ParseScope& scope) {
  Condition condition;
  condition.position = args.position();
  static const std::vector<std::pair<std::string, Condition::Op>> kOps = {
      {"equals", Condition::Op::kEquals},    {"not_equals", Condition::Op::kNotEquals},
      {"at_least", Condition::Op::kAtLeast}, {"at_most", Condition::Op::kAtMost},
      {"above", Condition::Op::kAbove},      {"below", Condition::Op::kBelow}};
  const std::string probe_name = args.GetChoice("that", KeysOf(scope.registry.probes()));
  condition.description = args.GetString("description", "");
  int found = 0;
  std::vector<std::string> op_names;
  for (const auto& [name, op] : kOps) {
    op_names.push_back(name);
    if (!args.Has(name)) {
      args.Allow(name);
      continue;
    }
    ++found;
    condition.op = op;
    const YAML::Node value = args.Raw(name);
    if (value.IsMap()) {
      // Another probe: {that: PROBE, its keys}.
      Args other(args.file(), value, "probe to compare with");
      const std::string other_name = other.GetChoice("that", KeysOf(scope.registry.probes()));
      condition.other = scope.registry.probes().at(other_name).parse(other, scope);
      other.Finish();
    } else if (op == Condition::Op::kEquals || op == Condition::Op::kNotEquals) {
      const std::string text = ParseString(args.file(), value);
      int64_t number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      condition.operand = (ec == std::errc() && end == text.data() + text.size())
                              ? ProbeValue::Number(number)
                              : ProbeValue::Text(text);
      condition.operand.text = text;
    } else {
      condition.operand = ProbeValue::Number(ParseSize(args.file(), value));
    }
  }
  if (found != 1) {
    std::string list;
    for (const std::string& name : op_names) list += (list.empty() ? "" : ", ") + name;
    args.Fail("a condition needs exactly one comparison (" + list + "), found " +
              std::to_string(found));
  }
  condition.probe = scope.registry.probes().at(probe_name).parse(args, scope);
  args.Finish();
  return condition;
}

// The error names a step may expect: Kafka's error codes and the world's statuses.
const std::vector<std::string>& ErrorNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (int code = 1; code < 256; ++code) {
      const std::string_view name = ErrorName(static_cast<ErrorCode>(code));
      if (name != "UNKNOWN_ERROR_CODE") all.emplace_back(name);
    }
    for (Status::Code code : {Status::Code::kNotFound, Status::Code::kNoSpace,
                              Status::Code::kIoError, Status::Code::kInvalidArgument,
                              Status::Code::kCorruption, Status::Code::kAlreadyExists}) {
      all.emplace_back(Status::CodeName(code));
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
  }();
  return names;
}

Step ParseStep(Args& args, ParseScope& scope) {
  Step step;
  step.position = args.position();
  const int timings = args.Has("at") + args.Has("after") + args.Has("when");
  if (timings != 1) {
    args.Fail(
        "a timeline step needs exactly one of 'at' (a time), 'after' (a delay since the "
        "previous step) or 'when' (a condition)");
  }
  if (args.Has("at")) {
    step.timing = Step::Timing::kAt;
    step.time_us = args.GetDuration("at");
  } else if (args.Has("after")) {
    step.timing = Step::Timing::kAfter;
    step.time_us = args.GetDuration("after");
  } else {
    step.timing = Step::Timing::kWhen;
    auto when = args.GetMap("when");
    step.when = std::make_unique<Condition>(ParseCondition(*when, scope));
  }
  if (step.timing == Step::Timing::kWhen) {
    step.timeout_us = args.GetDuration("timeout", 60 * kSecond);
  } else if (args.Has("timeout")) {
    args.FailAt("timeout", "'timeout' only applies to a 'when' step");
  } else {
    args.Allow("timeout");
  }
  step.caption = args.GetString("caption", "");
  if (args.Has("do")) {
    step.action_name = args.GetChoice("do", KeysOf(scope.registry.actions()));
    step.action = scope.registry.actions().at(step.action_name).parse(args, scope);
    if (args.Has("expect_error")) step.expect_error = args.GetChoice("expect_error", ErrorNames());
    args.Allow("expect_error");
  } else {
    if (args.Has("expect_error")) args.FailAt("expect_error", "'expect_error' needs a 'do' action");
    args.Allow("do");
    args.Allow("expect_error");
  }
  args.Finish();
  return step;
}

// `nemesis:` and `nemesis_schedule:` (sim/scenario/nemesis.h).
void ParseNemesisSections(Args& top, const ParseScope& scope, Scenario& scenario) {
  std::vector<std::string> default_targets;
  for (const std::string& name : scope.node_names) {
    auto role = scope.node_roles.find(name);
    if (role != scope.node_roles.end() &&
        (role->second == "broker" || role->second == "zookeeper")) {
      default_targets.push_back(name);
    }
  }
  std::optional<Args> section = top.GetMap("nemesis");
  if (!section) top.FailAt("nemesis", "'nemesis:' is a mapping (see docs/scenario-format.md)");
  scenario.nemesis = ParseNemesis(*section, default_targets, scope.node_names, scenario.run_for_us);
  scenario.nemesis_position = top.PositionOfKey("nemesis");
  const std::string path = scope.file;
  const SourcePosition position = scenario.nemesis_position;
  // A drawn fault is read as the step its text says, with the scenario's own words; the copy of
  // the scope keeps the node names (its registry outlives every run of the scenario).
  auto nemesis_scope = std::make_shared<ParseScope>(scope);
  scenario.nemesis_step = [nemesis_scope, path, position](const ScheduledFault& fault) {
    const std::string text =
        FaultStepText(fault.fault, fault.at_us, NemesisCaption(fault), "");
    YAML::Node node = YAML::Load(text);
    Args args(path, node[0], "nemesis step");
    Step step = ParseStep(args, *nemesis_scope);
    step.position = position;
    return step;
  };
  const YAML::Node schedule = top.Raw("nemesis_schedule");
  if (schedule.IsDefined() && !schedule.IsNull()) {
    if (!schedule.IsSequence()) {
      throw ScenarioError(PositionOf(path, schedule),
                          "expected a list of steps under 'nemesis_schedule'");
    }
    ParseScope step_scope = scope;
    std::vector<Step> steps;
    for (const YAML::Node& item : schedule) {
      Args args(path, item, "nemesis_schedule step");
      if (!args.Has("at")) args.Fail("a nemesis step runs at its own time: it needs 'at'");
      steps.push_back(ParseStep(args, step_scope));
      steps.back().position = position;
    }
    scenario.nemesis_schedule = std::move(steps);
  }
}

}  // namespace

std::unique_ptr<Scenario> LoadScenarioText(const std::string& text, const std::string& path,
                                           const ScenarioRegistry& registry) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(SourcePosition{path, e.mark.line + 1, e.mark.column + 1},
                        "not valid YAML: " + e.msg);
  }
  auto scenario = std::make_unique<Scenario>();
  scenario->path = path;
  scenario->text = text;
  if (!root.IsMap()) {
    throw ScenarioError(SourcePosition{path, 1, 1},
                        "a scenario is a YAML mapping with keys like name, world, nodes, "
                        "timeline, expect");
  }
  Args top(path, root, "the scenario");
  ParseScope scope{registry, path, {}};
  scenario->name = top.GetString("name");
  scenario->description = top.GetString("description", "");
  scenario->seed = static_cast<uint64_t>(top.GetInteger("seed", 1));
  scenario->run_for_us = top.GetDuration("run_for", scenario->run_for_us);
  scenario->max_events = top.GetInteger("max_events", scenario->max_events);
  if (scenario->max_events <= 0) top.FailAt("max_events", "max_events must be positive");
  if (auto world = top.GetMap("world")) ParseWorld(*world, *scenario);
  scope.disk_defaults = scenario->world.disk_defaults;
  const YAML::Node nodes = top.Raw("nodes");
  if (nodes.IsDefined() && !nodes.IsNull()) ParseNodes(nodes, *scenario, scope);
  // Sections registered by subsystems, in file order (they may declare more nodes).
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    auto section = registry.sections().find(key);
    if (section == registry.sections().end()) continue;
    if (!it->second.IsMap()) {
      // Empty, null or a scalar: a section is its keys.
      throw ScenarioError(PositionOf(path, it->first),
                          "'" + key + ":' is a section: a mapping of its keys (see " +
                              "docs/scenario-format.md), found " +
                              (it->second.IsNull()       ? "nothing"
                               : it->second.IsSequence() ? "a list"
                                                         : "'" + it->second.Scalar() + "'"));
    }
    Args args = *top.GetMap(key);
    scope.sections.insert(key);
    scenario->sections.push_back(section->second.parse(args, scope));
    args.Finish();
  }
  for (const auto& [name, spec] : scenario->link_overrides) {
    for (const std::string* node : {&name.first, &name.second}) {
      if (std::find(scope.node_names.begin(), scope.node_names.end(), *node) ==
          scope.node_names.end()) {
        throw ScenarioError(
            top.PositionOfKey("world"),
            "a link names the unknown node '" + *node + "'" + DidYouMean(*node, scope.node_names));
      }
    }
  }
  const YAML::Node timeline = top.Raw("timeline");
  if (timeline.IsDefined() && !timeline.IsNull()) {
    if (!timeline.IsSequence()) {
      throw ScenarioError(PositionOf(path, timeline), "expected a list of steps under 'timeline'");
    }
    for (const YAML::Node& item : timeline) {
      Args args(path, item, "timeline step");
      scenario->steps.push_back(ParseStep(args, scope));
    }
  }
  const YAML::Node injected = top.Raw("injected");
  if (injected.IsDefined() && !injected.IsNull()) {
    if (!injected.IsSequence()) {
      throw ScenarioError(PositionOf(path, injected), "expected a list of steps under 'injected'");
    }
    for (const YAML::Node& item : injected) {
      Args args(path, item, "injected step");
      if (!args.Has("at")) {
        args.Fail("an injected step runs at its own time: it needs 'at' (not 'after' or 'when')");
      }
      scenario->injected.push_back(ParseStep(args, scope));
    }
  }
  if (top.Has("nemesis")) {
    ParseNemesisSections(top, scope, *scenario);
  } else if (top.Has("nemesis_schedule")) {
    top.FailAt("nemesis_schedule",
               "'nemesis_schedule:' is the schedule a nemesis drew: it needs the 'nemesis:' "
               "section it was drawn from");
  }
  const YAML::Node expect = top.Raw("expect");
  if (expect.IsDefined() && !expect.IsNull()) {
    if (!expect.IsSequence()) {
      throw ScenarioError(PositionOf(path, expect), "expected a list of conditions under 'expect'");
    }
    for (const YAML::Node& item : expect) {
      Args args(path, item, "expectation");
      scenario->expectations.push_back(ParseCondition(args, scope));
    }
  }
  // Unknown top-level keys: suggest among the fixed keys and the registered sections.
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (registry.sections().count(key) != 0) continue;
    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) != kTopLevelKeys.end()) continue;
    std::vector<std::string> known = kTopLevelKeys;
    for (const auto& [name, entry] : registry.sections()) known.push_back(name);
    throw ScenarioError(PositionOf(path, it->first),
                        "unknown top-level key '" + key + "'" + DidYouMean(key, known));
  }
  return scenario;
}

std::unique_ptr<Scenario> LoadScenarioFile(const std::string& path,
                                           const ScenarioRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(SourcePosition{path, 0, 0}, "cannot read the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  return LoadScenarioText(text.str(), path, registry);
}

}  // namespace ks
