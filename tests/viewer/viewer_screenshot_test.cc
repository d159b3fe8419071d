// The real viewer under Xvfb: screenshots of a recorded flagship run at chosen times have the
// requested size, are not blank, and differ between two states; bad trace files give a clear
// message and a non-zero exit, never a crash. Method: run `kafkasim` to record a trace, then
// scripts/viewer-screenshot.sh (xvfb-run + --screenshot), and read the PNGs back with stb_image.
#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kBinaryDir = KAFKASIM_BINARY_DIR;
const std::string kSourceDir = KAFKASIM_SOURCE_DIR;
const std::string kViewer = KAFKASIM_VIEWER;

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;
};

Image LoadPng(const std::string& path) {
  Image image;
  int channels = 0;
  uint8_t* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 4);
  if (data == nullptr) return image;
  image.rgba.assign(data, data + static_cast<size_t>(image.width) * image.height * 4);
  stbi_image_free(data);
  return image;
}

size_t DistinctColours(const Image& image) {
  std::set<uint32_t> colours;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    colours.insert(image.rgba[i] << 16 | image.rgba[i + 1] << 8 | image.rgba[i + 2]);
  }
  return colours.size();
}

// Runs `command`, returning its exit status and its output (stdout and stderr).
int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class ViewerScreenshotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    trace_ = new std::string(kBinaryDir + "/viewer_screenshot_test.sqlite");
    std::string output;
    const int status =
        RunCommand(kBinaryDir + "/bin/kafkasim run " + kSourceDir +
                       "/scenarios/curriculum/replication-flagship.yaml --trace " + *trace_,
                   &output);
    ASSERT_EQ(status, 0) << output;
  }
  static void TearDownTestSuite() { delete trace_; }

  static Image Screenshot(const std::string& time, const std::string& name,
                          const std::string& size) {
    const std::string out = kBinaryDir + "/" + name;
    std::remove(out.c_str());
    std::string output;
    const int status = RunCommand(kSourceDir + "/scripts/viewer-screenshot.sh " + kViewer + " " +
                                      *trace_ + " " + time + " " + out + " " + size,
                                  &output);
    EXPECT_EQ(status, 0) << output;
    return LoadPng(out);
  }

  static std::string* trace_;
};

std::string* ViewerScreenshotTest::trace_ = nullptr;

TEST_F(ViewerScreenshotTest, TwoStatesGiveTwoDistinctNonBlankImagesOfTheRequestedSize) {
  const Image before = Screenshot("5", "viewer_before_crash.png", "1280x800");
  const Image after = Screenshot("15.5", "viewer_after_election.png", "1280x800");
  for (const Image* image : {&before, &after}) {
    EXPECT_EQ(image->width, 1280);
    EXPECT_EQ(image->height, 800);
    EXPECT_GT(DistinctColours(*image), 50u);
  }
  ASSERT_EQ(before.rgba.size(), after.rgba.size());
  size_t differing = 0;
  for (size_t i = 0; i < before.rgba.size(); i += 4) {
    differing += before.rgba[i] != after.rgba[i] || before.rgba[i + 1] != after.rgba[i + 1] ||
                 before.rgba[i + 2] != after.rgba[i + 2];
  }
  EXPECT_GT(differing, 1000u);
}

// A bad file: non-zero exit (not a signal), and the message names the problem.
void ExpectRefused(const std::string& path, const std::string& expected_words) {
  std::string output;
  const int status =
      RunCommand(kViewer + " --trace " + path + " --at 1 --screenshot /dev/null", &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("cannot open trace"), std::string::npos) << output;
  EXPECT_NE(output.find(expected_words), std::string::npos) << output;
}

TEST_F(ViewerScreenshotTest, BadTraceFilesGiveAClearMessage) {
  const std::string text = kBinaryDir + "/viewer_not_a_trace.txt";
  std::ofstream(text) << "hello, I am not a trace\n";
  ExpectRefused(text, text);
  ExpectRefused(kBinaryDir + "/no_such_trace.sqlite", "no_such_trace.sqlite");

  const std::string newer = kBinaryDir + "/viewer_newer_schema.sqlite";
  std::string output;
  ASSERT_EQ(RunCommand("cp " + *trace_ + " " + newer + " && sqlite3 " + newer +
                           " \"UPDATE meta SET value='99' WHERE key='schema_version'\"",
                       &output),
            0)
      << output;
  ExpectRefused(newer, "99");

  // A corrupt file: the SQLite header survives, the rest is overwritten with garbage.
  const std::string corrupt = kBinaryDir + "/viewer_corrupt.sqlite";
  ASSERT_EQ(RunCommand("cp " + *trace_ + " " + corrupt + " && dd if=/dev/urandom of=" + corrupt +
                           " bs=1024 seek=1 count=64 conv=notrunc status=none",
                       &output),
            0)
      << output;
  ExpectRefused(corrupt, "");
}

TEST(ViewerOptionsTest, BadCommandLinesPrintTheUsage) {
  std::string output;
  EXPECT_EQ(RunCommand(kViewer, &output), 2);
  EXPECT_NE(output.find("usage"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunCommand(kViewer + " --trace x --size 12", &output), 2);
  EXPECT_NE(output.find("--size"), std::string::npos) << output;
}

}  // namespace
