// Goal: no scenario input aborts, crashes or hangs kafkasim: every broken scenario is refused
// before anything runs, with exit code 2 and a message that names file:line:column — the inputs
// a new user writes by mistake, and the ones that once aborted (SIGABRT/SIGSEGV), hung or
// silently ran something else.
// Method: the corpus tests/scenario/broken/*.yaml, one mistake per file; its first line says
// what is wrong, its second ("# expect: ...") a piece of the message it must get. Each file is
// loaded (a ScenarioError with a position) and run through the command line (exit 2, the
// position in the message).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "sim/cli/cli.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"

namespace ks {
namespace {

const std::string kBrokenDir = std::string(KAFKASIM_SOURCE_DIR) + "/tests/scenario/broken";

std::vector<std::string> BrokenScenarios() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kBrokenDir)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Header {
  std::string what;
  std::string expect;
};

Header ReadHeader(const std::string& path) {
  std::ifstream in(path);
  Header header;
  std::getline(in, header.what);
  std::getline(in, header.expect);
  return header;
}

class BrokenScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokenScenarioTest, IsRefusedWithExitTwoAndAPosition) {
  const std::string path = kBrokenDir + "/" + GetParam() + ".yaml";
  const Header header = ReadHeader(path);
  ASSERT_EQ(header.what.rfind("# ", 0), 0u) << "the first line says what is wrong";
  ASSERT_EQ(header.expect.rfind("# expect: ", 0), 0u) << "the second line: # expect: <message>";
  const std::string expected = header.expect.substr(10);

  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  try {
    LoadScenarioFile(path, registry);
    FAIL() << path << " loaded; it should not: " << header.what;
  } catch (const ScenarioError& e) {
    EXPECT_GE(e.position().line, 1) << e.what();
    EXPECT_GE(e.position().column, 1) << e.what();
    EXPECT_NE(e.message().find(expected), std::string::npos)
        << "expected '" << expected << "' in: " << e.what();
  }

  std::vector<const char*> argv = {"kafkasim", "run", path.c_str(), "--no-trace", "--until", "1s"};
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  EXPECT_EQ(code, 2) << err.str();
  const std::regex position(
      std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"(:[1-9][0-9]*:[1-9][0-9]*: )");
  EXPECT_TRUE(std::regex_search(err.str(), position)) << "no file:line:column in: " << err.str();
}

INSTANTIATE_TEST_SUITE_P(Corpus, BrokenScenarioTest, ::testing::ValuesIn(BrokenScenarios()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace ks
