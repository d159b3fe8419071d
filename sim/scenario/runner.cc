#include "sim/scenario/runner.h"

#include <algorithm>

#include "model/env/check.h"
#include "sim/scenario/scenario_events.h"

namespace ks {

std::string_view ConditionOpName(Condition::Op op) {
  switch (op) {
    case Condition::Op::kEquals:
      return "equals";
    case Condition::Op::kNotEquals:
      return "not_equals";
    case Condition::Op::kAtLeast:
      return "at_least";
    case Condition::Op::kAtMost:
      return "at_most";
    case Condition::Op::kAbove:
      return "above";
    case Condition::Op::kBelow:
      return "below";
  }
  return "?";
}

bool Condition::Holds(ScenarioRun& run, ProbeValue* actual) const {
  ProbeValue compared;
  const ProbeValue value = [&] {
    World::ObserverScope observing(run.world());
    if (other) compared = other->Read(run);
    return probe->Read(run);
  }();
  const ProbeValue& operand = other ? compared : this->operand;
  if (actual != nullptr) {
    *actual = other ? ProbeValue::Text(value.ToString() + " vs " + compared.ToString()) : value;
  }
  switch (op) {
    case Op::kEquals:
    case Op::kNotEquals: {
      const bool equal = value.is_text ? value.text == operand.text
                                       : (!operand.is_text && value.number == operand.number);
      return equal == (op == Op::kEquals);
    }
    case Op::kAtLeast:
      return !value.is_text && value.number >= operand.number;
    case Op::kAtMost:
      return !value.is_text && value.number <= operand.number;
    case Op::kAbove:
      return !value.is_text && value.number > operand.number;
    case Op::kBelow:
      return !value.is_text && value.number < operand.number;
  }
  return false;
}

std::string Condition::Describe() const {
  std::string text = probe->Describe() + " " + std::string(ConditionOpName(op)) + " " +
                     (other             ? other->Describe()
                      : operand.is_text ? operand.text
                                        : std::to_string(operand.number));
  if (!description.empty()) text = description + " [" + text + "]";
  return text;
}

int RunResult::ExpectationsFailed() const {
  return static_cast<int>(std::count_if(expectations.begin(), expectations.end(),
                                        [](const ExpectationResult& r) { return !r.passed; }));
}

ScenarioRunner::ScenarioRunner(const Scenario& scenario, const ScenarioRegistry& registry,
                               RunOptions options)
    : scenario_(scenario), registry_(registry), options_(std::move(options)) {}

ScenarioRunner::~ScenarioRunner() = default;

std::string ScenarioRunner::FailureContext() const {
  return "seed=" + std::to_string(seed_) + "; reproduce: " +
         (options_.reproduce.empty()
              ? "the scenario '" + scenario_.name + "' with --seed " + std::to_string(seed_)
              : options_.reproduce);
}

void ScenarioRunner::Begin() {
  seed_ = options_.seed.value_or(scenario_.seed);
  const ScopedCheckFailureContext context(FailureContext());
  end_time_us_ = options_.until_us.value_or(scenario_.run_for_us);
  WorldOptions world_options = scenario_.world;
  world_options.seed = seed_;
  world_options.tracing = options_.tracing && scenario_.world.tracing;
  world_ = std::make_unique<World>(world_options);
  for (TraceSink* sink : options_.sinks) world_->trace().AddSink(sink);
  world_->trace().KeepEventHashes(options_.keep_event_hashes);
  run_ = std::make_unique<ScenarioRun>(scenario_, *world_);

  // Not the file's path: where a scenario is stored is not part of the run (the same file
  // copied elsewhere must give the same digest). The SQLite trace keeps it in `meta`.
  world_->Trace(kNoNode, ev::ScenarioBegin{.name = scenario_.name,
                                           .seed = static_cast<int64_t>(seed_),
                                           .run_for_us = end_time_us_,
                                           .description = scenario_.description});
  for (const NodeSpec& spec : scenario_.nodes) {
    const NodeId id = world_->AddNode(spec.name, spec.role, spec.factory, spec.disk);
    // Factories captured ids computed at parse time (ParseScope::NodeIdOf): they must agree.
    KS_CHECK(id == static_cast<NodeId>(&spec - scenario_.nodes.data()));
  }
  for (const auto& section : scenario_.sections) section->Setup(*run_);
  for (const auto& [pair, options] : scenario_.link_overrides) {
    world_->network().SetLinkOptions(world_->FindNode(pair.first), world_->FindNode(pair.second),
                                     options);
  }
  for (const NodeSpec& spec : scenario_.nodes) {
    if (spec.start) world_->Start(world_->FindNode(spec.name));
  }
  if (!scenario_.steps.empty()) StartStep(0);
  for (size_t i = 0; i < scenario_.injected.size(); ++i) ScheduleInjected(scenario_.injected[i], i);
  if (scenario_.nemesis) {
    // The schedule depends on the seed and the scenario's run_for only (not on --until).
    if (!scenario_.nemesis_schedule) {
      for (const ScheduledFault& fault :
           DrawNemesis(seed_, *scenario_.nemesis, scenario_.run_for_us)) {
        nemesis_steps_.push_back(scenario_.nemesis_step(fault));
      }
    }
    const std::vector<Step>& steps =
        scenario_.nemesis_schedule ? *scenario_.nemesis_schedule : nemesis_steps_;
    for (size_t i = 0; i < steps.size(); ++i) {
      ScheduleInjected(steps[i], i, StepOrigin::kNemesis);
    }
  }
}

void ScenarioRunner::ScheduleInjected(const Step& step, size_t index, StepOrigin origin) {
  Scheduler& scheduler = world_->scheduler();
  scheduler.Schedule(std::max(step.time_us, scheduler.Now()),
                     [this, &step, index, origin] { RunStep(step, index, origin); });
}

std::optional<TimeUs> ScenarioRunner::AdvanceToQuietInstant() {
  const ScopedCheckFailureContext context(FailureContext());
  Scheduler& scheduler = world_->scheduler();
  while (!finished_) {
    const TimeUs candidate = scheduler.Now() + 1;
    if (candidate > end_time_us_) return std::nullopt;
    if (scheduler.NextTime() > candidate) return candidate;
    AdvanceTo(candidate);
  }
  return std::nullopt;
}

void ScenarioRunner::Inject(const Step& step, size_t index) {
  KS_CHECK(step.timing == Step::Timing::kAt);
  KS_CHECK_MSG(step.time_us > world_->Now() && world_->scheduler().NextTime() > step.time_us,
               "an injected step must be scheduled at a quiet instant");
  ScheduleInjected(step, index);
}

void ScenarioRunner::StartStep(size_t index) {
  const Step& step = scenario_.steps[index];
  Scheduler& scheduler = world_->scheduler();
  switch (step.timing) {
    case Step::Timing::kAt:
    case Step::Timing::kAfter: {
      const TimeUs due = step.timing == Step::Timing::kAt ? std::max(step.time_us, scheduler.Now())
                                                          : scheduler.Now() + step.time_us;
      scheduler.Schedule(due, [this, index] { ExecuteStep(index); });
      break;
    }
    case Step::Timing::kWhen:
      waiting_step_ = index;
      waiting_deadline_ = scheduler.Now() + step.timeout_us;
      // A no-op event at the deadline, so the run notices the timeout exactly then.
      waiting_tick_ = scheduler.Schedule(waiting_deadline_, [] {});
      CheckWaitingStep();
      break;
  }
}

void ScenarioRunner::ExecuteStep(size_t index) {
  RunStep(scenario_.steps[index], index, StepOrigin::kTimeline);
  if (index + 1 < scenario_.steps.size()) StartStep(index + 1);
}

void ScenarioRunner::RunStep(const Step& step, size_t index, StepOrigin origin) {
  ev::ScenarioStep event{
      .index = static_cast<int64_t>(index), .line = step.position.line, .action = step.action_name};
  if (!step.caption.empty()) event.caption = step.caption;
  if (origin == StepOrigin::kInjected) event.injected = true;
  if (origin == StepOrigin::kNemesis) event.nemesis = true;
  world_->Trace(kNoNode, event);
  if (step.action) {
    run_->action_counts()[step.action_name]++;
    const Status status = step.action->Execute(*run_);
    if (origin == StepOrigin::kNemesis && !status.ok()) {
      // The nemesis knows only its own faults: a node the timeline crashed cannot be paused.
      world_->Trace(kNoNode,
                    ev::ScenarioStepSkipped{.line = step.position.line, .error = status.message()});
    } else if (!step.expect_error.empty()) {
      CheckExpectedError(step, status);
    } else if (!status.ok()) {
      const std::string failure = step.position.ToString() + ": step '" + step.action_name +
                                  "' failed: " + status.message();
      failures_.push_back(failure);
      world_->Trace(kNoNode,
                    ev::ScenarioStepFailed{.line = step.position.line, .error = status.message()});
    }
  }
}

static bool FailsWith(const Status& status, std::string_view code) {
  if (status.ok()) return false;
  // A Kafka error's message starts with its name ("OFFSET_OUT_OF_RANGE: ..."); a world status is
  // its code.
  const std::string& message = status.message();
  if (message.rfind(code, 0) == 0 &&
      (message.size() == code.size() || message[code.size()] == ':')) {
    return true;
  }
  return Status::CodeName(status.code()) == code;
}

void ScenarioRunner::CheckExpectedError(const Step& step, const Status& status) {
  if (FailsWith(status, step.expect_error)) {
    world_->Trace(kNoNode,
                  ev::ScenarioStepRefused{.line = step.position.line, .error = status.message()});
    return;
  }
  const std::string what = status.ok() ? "it succeeded" : "it failed with " + status.message();
  const std::string failure = step.position.ToString() + ": step '" + step.action_name +
                              "' was expected to fail with " + step.expect_error + ", but " + what;
  failures_.push_back(failure);
  world_->Trace(kNoNode, ev::ScenarioStepFailed{.line = step.position.line, .error = failure});
}

void ScenarioRunner::CheckWaitingStep() {
  if (waiting_step_ == SIZE_MAX) return;
  const size_t index = waiting_step_;
  const Step& step = scenario_.steps[index];
  ProbeValue actual;
  if (step.when->Holds(*run_, &actual)) {
    waiting_step_ = SIZE_MAX;
    world_->scheduler().Cancel(waiting_tick_);
    ExecuteStep(index);
    return;
  }
  if (world_->Now() >= waiting_deadline_) {
    waiting_step_ = SIZE_MAX;
    const std::string failure = step.position.ToString() + ": timed out after " +
                                FormatDuration(step.timeout_us) + " waiting for " +
                                step.when->Describe() + " (last value: " + actual.ToString() + ")";
    failures_.push_back(failure);
    const std::string condition = step.when->Describe();
    const std::string last_value = actual.ToString();
    world_->Trace(
        kNoNode, ev::ScenarioStepTimeout{
                     .line = step.position.line, .condition = condition, .last_value = last_value});
    if (index + 1 < scenario_.steps.size()) StartStep(index + 1);
  }
}

bool ScenarioRunner::Stopped() {
  if (options_.interrupt != nullptr && options_.interrupt->load(std::memory_order_relaxed)) {
    interrupted_ = true;
  }
  if (static_cast<int64_t>(world_->scheduler().ExecutedCount()) >= scenario_.max_events) {
    event_limit_reached_ = true;
  }
  if (interrupted_ || event_limit_reached_) finished_ = true;
  return finished_;
}

bool ScenarioRunner::StepOne() {
  if (finished_ || Stopped()) return false;
  const ScopedCheckFailureContext context(FailureContext());
  Scheduler& scheduler = world_->scheduler();
  if (scheduler.NextTime() > end_time_us_) {
    scheduler.RunUntil(end_time_us_);
    finished_ = true;
    return false;
  }
  scheduler.Step();
  CheckWaitingStep();
  return true;
}

bool ScenarioRunner::AdvanceTo(TimeUs limit) {
  const ScopedCheckFailureContext context(FailureContext());
  const TimeUs target = std::min(limit, end_time_us_);
  Scheduler& scheduler = world_->scheduler();
  while (!finished_) {
    // Before every event: the interrupt flag (a relaxed atomic load) and the event limit. A
    // single event may take long (a set-up step creating thousands of partitions, a checker
    // sweep over all of them); reading the flag only every 1024 events let a first Ctrl-C go
    // unnoticed for as many such events.
    if (Stopped()) break;
    if (scheduler.NextTime() > target) {
      if (target == end_time_us_) {
        scheduler.RunUntil(end_time_us_);
        finished_ = true;
      } else {
        scheduler.RunUntil(target);
      }
      break;
    }
    scheduler.Step();
    if (waiting_step_ != SIZE_MAX) CheckWaitingStep();
  }
  Stopped();
  return !finished_;
}

RunResult ScenarioRunner::Finish() {
  const ScopedCheckFailureContext context(FailureContext());
  RunResult result;
  result.seed = seed_;
  for (const FinishHook& hook : registry_.finish_hooks()) hook(*run_, &failures_);
  for (const Condition& expectation : scenario_.expectations) {
    ProbeValue actual;
    ExpectationResult r;
    r.position = expectation.position;
    r.description = expectation.Describe();
    r.passed = expectation.Holds(*run_, &actual);
    r.actual = actual.ToString();
    world_->Trace(kNoNode, ev::ScenarioExpect{.line = r.position.line,
                                              .condition = r.description,
                                              .passed = r.passed,
                                              .actual = r.actual});
    result.expectations.push_back(std::move(r));
  }
  if (waiting_step_ != SIZE_MAX) {
    failures_.push_back(scenario_.steps[waiting_step_].position.ToString() +
                        ": the run ended while waiting for " +
                        scenario_.steps[waiting_step_].when->Describe());
  }
  result.interrupted = interrupted_;
  result.event_limit_reached = event_limit_reached_;
  if (event_limit_reached_) {
    failures_.push_back("the run reached max_events (" + std::to_string(scenario_.max_events) +
                        ") before its end time");
  }
  result.failures = failures_;
  for (const SummaryHook& hook : registry_.summaries()) hook(*run_, &result.summary_lines);
  world_->Trace(kNoNode, ev::ScenarioEnd{.interrupted = interrupted_,
                                         .failures = static_cast<int64_t>(result.failures.size()),
                                         .expectations_failed = result.ExpectationsFailed()});
  result.end_time_us = world_->Now();
  result.event_count = world_->trace().event_count();
  result.scheduler_events = world_->scheduler().ExecutedCount();
  result.digest = world_->trace().CurrentDigest();
  result.event_hashes = world_->trace().event_hashes();
  return result;
}

RunResult RunScenario(const Scenario& scenario, const ScenarioRegistry& registry,
                      RunOptions options) {
  ScenarioRunner runner(scenario, registry, std::move(options));
  runner.Begin();
  runner.AdvanceTo(kTimeNever);
  return runner.Finish();
}

}  // namespace ks
