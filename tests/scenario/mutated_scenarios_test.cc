// Goal: whatever a user does to a scenario — a value made huge, zero, negative or of the wrong
// type, a key deleted, a section written twice — kafkasim either runs it or refuses it with exit
// code 2 and file:line:column; it never aborts (SIGABRT, SIGSEGV) and never hangs.
// Method: a deterministic mutator over every shipped scenario (scenarios/*/*.yaml). For each
// scenario it picks scalar values spread over the file and changes each in one way (cycling
// through the kinds below), deletes one key, and writes one top-level section twice. Each mutant
// runs through the command line in a child process (so an abort is caught and reported, not
// fatal to the test), bounded by --until 200ms, max_events and a wall-clock limit; the child's
// exit code must be 0, 1 (ran; expectations may fail) or 2 with a position. A failing mutant is
// saved under the test's temporary directory so it can be run again by hand.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include "sim/cli/cli.h"

namespace ks {
namespace {

const std::string kScenarioDir = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios";
// 40 scalar mutants per scenario (about 1400 in all, some seconds); set
// KAFKASIM_MUTANTS_PER_SCENARIO for a deeper search by hand.
int ScalarMutationsPerScenario() {
  const char* text = std::getenv("KAFKASIM_MUTANTS_PER_SCENARIO");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : 40;
}
constexpr int kDeletionsPerScenario = 4;
constexpr int kChildSeconds = 60;  // a generous bound on a loaded machine; a hang is far longer

std::vector<std::string> ShippedScenarios() {
  std::vector<std::string> paths;
  for (const auto& dir : std::filesystem::directory_iterator(kScenarioDir)) {
    if (!dir.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
      if (file.path().extension() == ".yaml") {
        paths.push_back(dir.path().filename().string() + "/" + file.path().filename().string());
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every scalar of the tree (values only, not keys), in document order, with its path.
void CollectScalars(YAML::Node node, const std::string& path,
                    std::vector<std::pair<std::string, YAML::Node>>* out) {
  if (node.IsScalar()) {
    out->emplace_back(path, node);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      CollectScalars(it->second, path + "/" + it->first.Scalar(), out);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CollectScalars(node[i], path + "[" + std::to_string(i) + "]", out);
    }
  }
}

// Every (mapping, key) pair of the tree, in document order.
void CollectKeys(YAML::Node node, const std::string& path,
                 std::vector<std::tuple<std::string, YAML::Node, std::string>>* out) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      out->emplace_back(path, node, it->first.Scalar());
      CollectKeys(it->second, path + "/" + it->first.Scalar(), out);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CollectKeys(node[i], path + "[" + std::to_string(i) + "]", out);
    }
  }
}

// The unit of a value like "250ms" or "64KiB" ("" for a plain number or a word).
std::string UnitOf(const std::string& text) {
  size_t i = 0;
  while (i < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '-')) {
    ++i;
  }
  return i == 0 ? "" : text.substr(i);
}

const std::vector<std::string> kKinds = {"huge",         "int64 max", "just above INT", "zero",
                                         "negative",     "a list",    "a mapping",      "a word",
                                         "a null value", "a fraction"};

void Mutate(YAML::Node node, const std::string& kind) {
  const std::string unit = UnitOf(node.Scalar());
  if (kind == "huge") {
    node = "99999999999999999999999" + unit;
  } else if (kind == "int64 max") {
    node = "9223372036854775807" + unit;
  } else if (kind == "just above INT") {
    node = "2147483648" + unit;
  } else if (kind == "zero") {
    node = "0" + unit;
  } else if (kind == "negative") {
    node = "-1" + unit;
  } else if (kind == "a list") {
    node = YAML::Load("[1, 2]");
  } else if (kind == "a mapping") {
    node = YAML::Load("{a: 1}");
  } else if (kind == "a word") {
    node = "banana";
  } else if (kind == "a null value") {
    node = YAML::Node(YAML::NodeType::Null);
  } else {
    node = "0.000001" + unit;
  }
}

// Bounds the run whatever the mutant says (unless max_events itself is what was mutated).
std::string Bounded(YAML::Node root, bool keep_max_events) {
  if (!keep_max_events) root["max_events"] = 2000000;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

struct Mutant {
  std::string what;  // "scenarios/x.yaml: /kafka/brokers made zero"
  std::string text;
};

std::vector<Mutant> MutantsOf(const std::string& relative) {
  const std::string original = ReadFile(kScenarioDir + "/" + relative);
  std::vector<Mutant> mutants;
  std::vector<std::pair<std::string, YAML::Node>> scalars;
  CollectScalars(YAML::Load(original), "", &scalars);
  const size_t n = scalars.size();
  const int count = ScalarMutationsPerScenario();
  for (int m = 0; m < count && n > 0; ++m) {
    // Spread over the file: the m-th of `count` equal steps.
    const size_t site = (static_cast<size_t>(m) * n) / count + (n / count) / 2;
    const std::string& kind = kKinds[(m + relative.size()) % kKinds.size()];
    YAML::Node root = YAML::Load(original);
    std::vector<std::pair<std::string, YAML::Node>> sites;
    CollectScalars(root, "", &sites);
    const auto& [path, node] = sites[std::min(site, n - 1)];
    Mutate(node, kind);
    mutants.push_back({relative + ": " + path + " made " + kind,
                       Bounded(root, path.rfind("/max_events", 0) == 0)});
  }
  // Keys deleted, spread over the file.
  for (int d = 0; d < kDeletionsPerScenario; ++d) {
    YAML::Node root = YAML::Load(original);
    std::vector<std::tuple<std::string, YAML::Node, std::string>> keys;
    CollectKeys(root, "", &keys);
    if (keys.empty()) break;
    auto& [path, map, key] =
        keys[(static_cast<size_t>(d) * 2 + 1) * keys.size() / (2 * kDeletionsPerScenario)];
    map.remove(key);
    mutants.push_back({relative + ": " + path + "/" + key + " deleted",
                       Bounded(root, path + "/" + key == "/max_events")});
  }
  // One section written twice: the last top-level mapping (kafka:, world:, ...).
  {
    YAML::Node root = YAML::Load(original);
    std::string section;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (it->second.IsMap()) section = it->first.Scalar();
    }
    if (!section.empty()) {
      YAML::Node copy;
      copy[section] = root[section];
      YAML::Emitter again;
      again << copy;
      mutants.push_back({relative + ": '" + section + ":' written twice",
                         Bounded(root, false) + again.c_str() + "\n"});
    }
  }
  return mutants;
}

// Runs `kafkasim run PATH --no-trace --until 200ms` in a child; returns what became of it.
std::string RunChild(const std::string& path) {
  const pid_t child = fork();
  if (child == 0) {
    std::vector<const char*> argv = {"kafkasim", "run",   path.c_str(), "--no-trace",
                                     "--until",  "200ms", "--quiet"};
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    int status = code;
    if (code == 2) {
      const std::regex position(":[1-9][0-9]*:[1-9][0-9]*: ");
      if (!std::regex_search(err.str(), position)) status = 99;  // refused without a position
    }
    std::ofstream(path + ".err") << err.str();
    _exit(status);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kChildSeconds);
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return "hung (killed after " + std::to_string(kChildSeconds) + " s)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFSIGNALED(status)) return "died of signal " + std::to_string(WTERMSIG(status));
  const int code = WEXITSTATUS(status);
  if (code == 0 || code == 1 || code == 2) return "";
  const std::string err = ReadFile(path + ".err");
  if (code == 99) return "exit 2 without file:line:column: " + err;
  return "exit " + std::to_string(code) + ": " + err;
}

class MutatedScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MutatedScenarioTest, EveryMutantRunsOrIsRefusedWithAPosition) {
  const std::vector<Mutant> mutants = MutantsOf(GetParam());
  ASSERT_FALSE(mutants.empty());
  std::string name = GetParam();
  std::replace(name.begin(), name.end(), '/', '-');
  for (size_t i = 0; i < mutants.size(); ++i) {
    const std::string path = ::testing::TempDir() + "mutant-" + name.substr(0, name.size() - 5) +
                             "-" + std::to_string(i) + ".yaml";
    std::ofstream(path) << "# " << mutants[i].what << "\n" << mutants[i].text;
    const std::string outcome = RunChild(path);
    EXPECT_EQ(outcome, "") << mutants[i].what << " -> " << outcome << " (the mutant: " << path
                           << ")";
    if (outcome.empty()) {
      std::filesystem::remove(path);
      std::filesystem::remove(path + ".err");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, MutatedScenarioTest, ::testing::ValuesIn(ShippedScenarios()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace ks
