// Goal: the model reaches the world only through its Env (docs/architecture.md, rule 1, "One
// door"). This test fails, naming file and line, if any file under model/ includes a clock, random
// device, thread, file-stream or socket header, or calls the wall clock or the C library's random
// generator.
// Method: every line of every file under model/ is scanned with comments and string literals
// blanked out; the scanner itself is checked first on lines it must and must not flag.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

// Headers the model must not include (<netinet/...> is matched as a prefix).
const char* const kForbiddenHeaders[] = {
    "chrono",       "random",       "thread",
    "fstream",      "ctime",        "time.h",
    "future",       "mutex",        "condition_variable",
    "shared_mutex", "sys/socket.h", "unistd.h",
    "sys/time.h",
};

struct Finding {
  std::string reason;
};

// Blanks out // and /* */ comments and the contents of string and character literals, carrying
// the "inside a block comment" state from line to line.
std::string StripCommentsAndLiterals(const std::string& line, bool* in_block_comment) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (*in_block_comment) {
      if (line.compare(i, 2, "*/") == 0) {
        *in_block_comment = false;
        ++i;
      }
      continue;
    }
    if (line.compare(i, 2, "//") == 0) break;
    if (line.compare(i, 2, "/*") == 0) {
      *in_block_comment = true;
      ++i;
      continue;
    }
    const char c = line[i];
    if (c == '"' || c == '\'') {
      out.push_back(c);
      for (++i; i < line.size() && line[i] != c; ++i) {
        if (line[i] == '\\') ++i;
      }
      out.push_back(c);
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// What is wrong with one (stripped) line, if anything. #include lines keep their <...> part,
// which the stripping does not touch.
std::vector<Finding> ScanLine(const std::string& code) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*<([^>]+)>)");
  static const std::regex kCalls[] = {
      std::regex(R"(\brandom_device\b)"),
      std::regex(R"(\b(system_clock|steady_clock|high_resolution_clock)\b)"),
      // A call of rand/srand/time, unless it is a member (x.time(), p->time()) or a qualified
      // name other than std:: (Clock::time()). "std::time(" and a bare "time(" are flagged.
      std::regex(R"((^|[^\w.>:]|std::)(s?rand|time)\s*\()"),
  };
  std::vector<Finding> findings;
  std::smatch match;
  if (std::regex_search(code, match, kInclude)) {
    const std::string header = match[1].str();
    for (const char* forbidden : kForbiddenHeaders) {
      if (header == forbidden) findings.push_back({"includes <" + header + ">"});
    }
    if (header.rfind("netinet/", 0) == 0) findings.push_back({"includes <" + header + ">"});
  }
  for (const std::regex& call : kCalls) {
    if (std::regex_search(code, match, call)) findings.push_back({"uses " + match[0].str()});
  }
  return findings;
}

std::vector<Finding> ScanText(const std::string& text) {
  bool in_block_comment = false;
  std::vector<Finding> all;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    for (Finding& f : ScanLine(StripCommentsAndLiterals(line, &in_block_comment))) {
      all.push_back(std::move(f));
    }
    start = end + 1;
  }
  return all;
}

TEST(ModelPurityTest, ScannerFlagsWhatItMust) {
  for (const char* bad :
       {"#include <chrono>", "  #  include <random>", "#include <thread>", "#include <fstream>",
        "#include <ctime>", "#include <future>", "#include <mutex>",
        "#include <condition_variable>", "#include <sys/socket.h>", "#include <netinet/in.h>",
        "#include <unistd.h>", "std::random_device device;", "int x = rand();",
        "auto t = time(nullptr);", "auto t = std::time(nullptr);", "srand (7);",
        "auto now = std::chrono::system_clock::now();", "steady_clock::now()",
        "int a; /* closed */ int b = rand();"}) {
    EXPECT_FALSE(ScanText(bad).empty()) << "should flag: " << bad;
  }
}

TEST(ModelPurityTest, ScannerIgnoresCommentsLiteralsAndLookalikes) {
  for (const char* good :
       {"// never includes <random> or calls rand() or time(nullptr)", "#include <string>",
        "#include \"model/env/time.h\"", "#include <charconv>", "x = event.time();",
        "x = p->time();", "TimeUs arrival_time(3);", "int operand(int);", "Clock::time();",
        "Trace(\"rand() in a string\");", "/* <chrono>\n system_clock */ int x;",
        "DurationUs delivery_time (5);", "#include <random_access_helpers.h>"}) {
    EXPECT_TRUE(ScanText(good).empty()) << "should not flag: " << good;
  }
}

TEST(ModelPurityTest, ModelReachesTheWorldOnlyThroughEnv) {
  const std::filesystem::path root = std::filesystem::path(KAFKASIM_SOURCE_DIR) / "model";
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           root, std::filesystem::directory_options::follow_directory_symlink)) {
    if (!entry.is_regular_file()) continue;
    const std::string extension = entry.path().extension().string();
    if (extension != ".h" && extension != ".cc" && extension != ".cpp" && extension != ".hpp" &&
        extension != ".inc") {
      continue;
    }
    ++files;
    std::ifstream in(entry.path());
    bool in_block_comment = false;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      for (const Finding& finding : ScanLine(StripCommentsAndLiterals(line, &in_block_comment))) {
        ADD_FAILURE() << entry.path().string() << ":" << number << ": " << finding.reason
                      << " (model/ must reach the world through Env: " << line << ")";
      }
    }
  }
  EXPECT_GT(files, 5) << "the scan found the model's sources";
}

}  // namespace
