// Goal: the simulated disk keeps written and synced bytes apart and a crash keeps only the synced
// ones (plus, if configured, a torn tail); ENOSPC writes nothing; corruption shows in both views;
// file operations follow model/env/disk.h; every call charges its latency. Method: drive a
// SimDisk directly and compare what reads return before and after Crash().
#include "sim/sim_disk.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ks {
namespace {

std::string ReadAll(SimDisk& disk, std::string_view path) {
  std::string out;
  EXPECT_TRUE(disk.Read(path, 0, 1 << 30, &out).ok());
  return out;
}

std::string Pattern(size_t size, char first = 'a') {
  std::string bytes(size, ' ');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(first + i % 26);
  return bytes;
}

TEST(SimDiskTest, CrashKeepsOnlyFsyncedBytes) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Append("a.log", "hello").ok());
  ASSERT_TRUE(disk.Fsync("a.log").ok());
  ASSERT_TRUE(disk.Append("a.log", " world").ok());
  ASSERT_TRUE(disk.Append("b.log", "never synced").ok());
  EXPECT_EQ(ReadAll(disk, "a.log"), "hello world") << "reads see the page cache";
  EXPECT_EQ(disk.DurableSize("a.log"), 5);
  EXPECT_EQ(disk.UsedBytes(), 23);

  const std::vector<CrashLoss> losses = disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "a.log"), "hello");
  EXPECT_EQ(disk.Size("b.log"), 0) << "creation is durable, the bytes are not";
  EXPECT_EQ(disk.UsedBytes(), 5);
  ASSERT_EQ(losses.size(), 2u);
  EXPECT_EQ(losses[0].path, "a.log");
  EXPECT_EQ(losses[0].size_before, 11);
  EXPECT_EQ(losses[0].size_after, 5);
}

TEST(SimDiskTest, FsyncedFileSurvivesRepeatedCrashes) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Append("a", "abc").ok());
  ASSERT_TRUE(disk.Fsync("a").ok());
  EXPECT_TRUE(disk.Crash(rng).empty()) << "nothing lost";
  EXPECT_TRUE(disk.Crash(rng).empty());
  EXPECT_EQ(ReadAll(disk, "a"), "abc");
  EXPECT_EQ(disk.fsync_count(), 1);
}

TEST(SimDiskTest, WriteBelowTheDurableSizeIsUndoneByACrash) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Append("f", "AAAAAAAA").ok());
  ASSERT_TRUE(disk.Fsync("f").ok());
  ASSERT_TRUE(disk.WriteAt("f", 2, "BB").ok());
  ASSERT_TRUE(disk.WriteAt("f", 7, "CCC").ok());  // overlaps the end and extends the file
  EXPECT_EQ(ReadAll(disk, "f"), "AABBAAACCC");
  EXPECT_EQ(disk.DurableSize("f"), 8);
  disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "f"), "AAAAAAAA") << "the old bytes come back";

  // Once synced, the overwrite is durable.
  ASSERT_TRUE(disk.WriteAt("f", 0, "Z").ok());
  ASSERT_TRUE(disk.Fsync("f").ok());
  ASSERT_TRUE(disk.Append("f", "tail").ok());
  disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "f"), "ZAAAAAAA");
}

TEST(SimDiskTest, WriteAtValidatesItsOffset) {
  SimDisk disk;
  EXPECT_TRUE(disk.WriteAt("missing", 0, "x").IsNotFound());
  ASSERT_TRUE(disk.Create("f").ok());
  EXPECT_EQ(disk.WriteAt("f", 1, "x").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(disk.WriteAt("f", -1, "x").code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(disk.WriteAt("f", 0, "x").ok()) << "offset == size appends";
  EXPECT_EQ(ReadAll(disk, "f"), "x");
}

// Torn tails draw from the rng: try many seeds and look at the spread of outcomes.
std::set<int64_t> TornSizes(TornTail mode, const std::vector<size_t>& unsynced_writes,
                            const std::string& synced, bool check_prefix) {
  std::set<int64_t> sizes;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    DiskOptions options;
    options.torn_tail = mode;
    SimDisk disk(options);
    Rng rng(seed);
    EXPECT_TRUE(disk.Append("s", synced).ok());
    EXPECT_TRUE(disk.Fsync("s").ok());
    std::string expected = synced;
    char letter = 'A';
    for (size_t size : unsynced_writes) {
      const std::string bytes = Pattern(size, letter++);
      expected += bytes;
      EXPECT_TRUE(disk.Append("s", bytes).ok());
    }
    disk.Crash(rng);
    const std::string after = ReadAll(disk, "s");
    EXPECT_GE(after.size(), synced.size());
    EXPECT_LT(after.size(), expected.size()) << "a torn tail never keeps the whole write";
    EXPECT_EQ(after.substr(0, synced.size()), synced) << "synced bytes are intact";
    if (check_prefix) {
      EXPECT_EQ(after, expected.substr(0, after.size())) << "kept bytes are the written ones";
    }
    sizes.insert(static_cast<int64_t>(after.size()));
  }
  return sizes;
}

TEST(SimDiskTest, TornPrefixKeepsAPrefixOfTheUnsyncedWrite) {
  const std::set<int64_t> sizes = TornSizes(TornTail::kPrefix, {1'000}, "synced", true);
  EXPECT_GT(sizes.size(), 50u) << "the kept length varies with the seed";
}

// Regression: only the last write could tear, and only if it started at the durable end, so
// with several unsynced appends (the usual case for a log segment) nothing ever tore.
TEST(SimDiskTest, TornPrefixSpansSeveralUnsyncedAppends) {
  const std::set<int64_t> sizes =
      TornSizes(TornTail::kPrefix, {100, 100, 100, 100}, "synced", true);
  EXPECT_GT(*sizes.rbegin(), 6 + 200) << "past the first unsynced appends";
  EXPECT_GT(sizes.size(), 50u);
}

TEST(SimDiskTest, TornGarbageKeepsTheLengthButNotTheBytes) {
  const std::set<int64_t> sizes = TornSizes(TornTail::kGarbage, {1'000}, "synced", false);
  EXPECT_GT(sizes.size(), 50u);
  // With one seed, look at the bytes: they are not the ones written.
  DiskOptions options;
  options.torn_tail = TornTail::kGarbage;
  SimDisk disk(options);
  Rng rng(5);
  const std::string written = Pattern(1'000);
  ASSERT_TRUE(disk.Append("g", written).ok());
  disk.Crash(rng);
  const std::string after = ReadAll(disk, "g");
  ASSERT_GT(after.size(), 16u) << "seed 5 keeps a tail long enough to look at";
  EXPECT_NE(after, written.substr(0, after.size()));
}

TEST(SimDiskTest, NoTornTailByDefault) {
  const std::string synced = "x";
  SimDisk disk;
  Rng rng(9);
  ASSERT_TRUE(disk.Append("s", synced).ok());
  ASSERT_TRUE(disk.Fsync("s").ok());
  ASSERT_TRUE(disk.Append("s", Pattern(500)).ok());
  const auto losses = disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "s"), synced);
  ASSERT_EQ(losses.size(), 1u);
  EXPECT_EQ(losses[0].torn_bytes_kept, 0);
}

// Goal: SetLength extends a file with zeros that take no space (Kafka's preallocated index
// files): the size is the length, reads see zeros, a write into the tail fills it, a shorter
// length cuts it, and a crash keeps the length of such a file (what was lost reads as zeros).
TEST(SimDiskTest, SetLengthMakesASparseZeroTail) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Append("a.index", "ab").ok());
  ASSERT_TRUE(disk.Fsync("a.index").ok());
  ASSERT_TRUE(disk.SetLength("a.index", 1 << 20).ok());
  EXPECT_EQ(disk.Size("a.index"), 1 << 20);
  EXPECT_EQ(disk.UsedBytes(), 2) << "the tail takes no space";
  std::string out;
  ASSERT_TRUE(disk.Read("a.index", 0, 4, &out).ok());
  EXPECT_EQ(out, std::string("ab\0\0", 4));
  std::string_view view;
  ASSERT_TRUE(disk.ReadView("a.index", 1, 3, &view).ok());
  EXPECT_EQ(view, std::string_view("b\0\0", 3));
  ASSERT_TRUE(disk.WriteAt("a.index", 2, "cd").ok());
  EXPECT_EQ(disk.Size("a.index"), 1 << 20) << "a write inside the tail keeps the length";
  EXPECT_EQ(disk.UsedBytes(), 4);
  ASSERT_TRUE(disk.WriteAt("a.index", 8, "x").ok());
  ASSERT_TRUE(disk.Read("a.index", 0, 9, &out).ok());
  EXPECT_EQ(out, std::string("abcd\0\0\0\0x", 9));
  disk.Crash(rng);
  EXPECT_EQ(disk.Size("a.index"), 1 << 20) << "the length is metadata: it survives";
  ASSERT_TRUE(disk.Read("a.index", 0, 9, &out).ok());
  EXPECT_EQ(out, std::string("ab\0\0\0\0\0\0\0", 9)) << "unsynced writes read as zeros";
  ASSERT_TRUE(disk.SetLength("a.index", 2).ok());
  EXPECT_EQ(disk.Size("a.index"), 2);
  EXPECT_EQ(ReadAll(disk, "a.index"), "ab");
  ASSERT_TRUE(disk.SetLength("a.index", 10).ok());
  ASSERT_TRUE(disk.Truncate("a.index", 5).ok());
  EXPECT_EQ(ReadAll(disk, "a.index"), std::string("ab\0\0\0", 5));
  ASSERT_TRUE(disk.Append("a.index", "z").ok());
  EXPECT_EQ(ReadAll(disk, "a.index"), std::string("ab\0\0\0z", 6)) << "an append goes after";
}

TEST(SimDiskTest, CapacityGivesNoSpaceAndWritesNothing) {
  DiskOptions options;
  options.capacity_bytes = 100;
  SimDisk disk(options);
  ASSERT_TRUE(disk.Append("a", Pattern(60)).ok());
  const Status full = disk.Append("a", Pattern(50));
  EXPECT_TRUE(full.IsNoSpace()) << full.ToString();
  EXPECT_EQ(disk.Size("a"), 60);
  EXPECT_EQ(disk.UsedBytes(), 60);
  EXPECT_TRUE(disk.Append("b", Pattern(41)).IsNoSpace());
  EXPECT_FALSE(disk.Exists("b")) << "a failed append does not create the file";
  EXPECT_TRUE(disk.WriteAt("a", 50, Pattern(60)).IsNoSpace()) << "would grow to 110";
  EXPECT_EQ(ReadAll(disk, "a"), Pattern(60));
  EXPECT_TRUE(disk.WriteAt("a", 0, "zz").ok()) << "an overwrite does not grow the disk";
  EXPECT_TRUE(disk.Append("a", Pattern(40)).ok()) << "exactly full is fine";
  ASSERT_TRUE(disk.Delete("a").ok());
  EXPECT_EQ(disk.UsedBytes(), 0);
  EXPECT_TRUE(disk.Append("b", Pattern(100)).ok()) << "deleting frees space";
}

TEST(SimDiskTest, SetFullFailsEveryGrowingCall) {
  SimDisk disk;
  ASSERT_TRUE(disk.Append("a", "abc").ok());
  disk.SetFull(true);
  EXPECT_TRUE(disk.full());
  EXPECT_EQ(disk.Append("a", "d").code(), Status::Code::kNoSpace);
  EXPECT_TRUE(disk.Append("new", "d").IsNoSpace());
  EXPECT_FALSE(disk.Exists("new"));
  EXPECT_TRUE(disk.WriteAt("a", 3, "d").IsNoSpace());
  EXPECT_EQ(ReadAll(disk, "a"), "abc");
  EXPECT_TRUE(disk.Fsync("a").ok()) << "fsync does not grow the disk";
  disk.SetFull(false);
  EXPECT_TRUE(disk.Append("a", "d").ok());
}

TEST(SimDiskTest, CorruptFlipsBytesInBothViews) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Append("c", "abcdef").ok());
  ASSERT_TRUE(disk.Fsync("c").ok());
  ASSERT_TRUE(disk.Append("c", "ghi").ok());
  ASSERT_TRUE(disk.Corrupt("c", 4, 3).ok());  // e, f (durable) and g (cached only)
  std::string expected = "abcdefghi";
  for (int i = 4; i < 7; ++i) expected[i] = static_cast<char>(expected[i] ^ 0xff);
  EXPECT_EQ(ReadAll(disk, "c"), expected);
  disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "c"), expected.substr(0, 6)) << "the durable bytes were hit too";

  EXPECT_TRUE(disk.Corrupt("missing", 0, 1).IsNotFound());
  EXPECT_EQ(disk.Corrupt("c", 5, 2).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(disk.Corrupt("c", -1, 1).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(disk.Corrupt("c", 0, 0).code(), Status::Code::kInvalidArgument);
}

TEST(SimDiskTest, TruncateIsDurableAtOnce) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Append("t", "0123456789").ok());
  ASSERT_TRUE(disk.Fsync("t").ok());
  ASSERT_TRUE(disk.Truncate("t", 4).ok());
  EXPECT_EQ(ReadAll(disk, "t"), "0123");
  EXPECT_EQ(disk.UsedBytes(), 4);
  ASSERT_TRUE(disk.Append("t", "xy").ok());
  disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "t"), "0123") << "cut bytes do not come back; appended ones are lost";
  EXPECT_EQ(disk.Truncate("t", 5).code(), Status::Code::kInvalidArgument) << "cannot grow";
  EXPECT_EQ(disk.Truncate("t", -1).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(disk.Truncate("missing", 0).IsNotFound());

  // Truncating after a write below the durable size (the explicit durable copy).
  ASSERT_TRUE(disk.WriteAt("t", 0, "ab").ok());
  ASSERT_TRUE(disk.Truncate("t", 3).ok());
  disk.Crash(rng);
  EXPECT_EQ(ReadAll(disk, "t"), "012");
}

TEST(SimDiskTest, RenameDeleteListAndCreate) {
  SimDisk disk;
  Rng rng(1);
  ASSERT_TRUE(disk.Create("p/00.log").ok());
  EXPECT_EQ(disk.Create("p/00.log").code(), Status::Code::kAlreadyExists);
  ASSERT_TRUE(disk.Append("p/01.log", "one").ok());
  ASSERT_TRUE(disk.Append("p/02.log", "two!").ok());
  ASSERT_TRUE(disk.Append("pq/x", "other").ok());
  ASSERT_TRUE(disk.Append("o", "before").ok());
  EXPECT_EQ(disk.List("p/"), (std::vector<std::string>{"p/00.log", "p/01.log", "p/02.log"}));
  EXPECT_EQ(disk.List("p").size(), 4u);
  EXPECT_EQ(disk.List("").size(), 5u);
  EXPECT_TRUE(disk.List("z").empty());

  ASSERT_TRUE(disk.Fsync("p/02.log").ok());
  ASSERT_TRUE(disk.Rename("p/02.log", "p/01.log").ok()) << "replaces the target";
  EXPECT_FALSE(disk.Exists("p/02.log"));
  EXPECT_EQ(ReadAll(disk, "p/01.log"), "two!");
  EXPECT_EQ(disk.UsedBytes(), 4 + 5 + 6);
  EXPECT_TRUE(disk.Rename("nope", "x").IsNotFound());
  EXPECT_TRUE(disk.Rename("o", "o").ok());
  EXPECT_EQ(ReadAll(disk, "o"), "before");

  ASSERT_TRUE(disk.Delete("pq/x").ok());
  EXPECT_TRUE(disk.Delete("pq/x").IsNotFound());
  EXPECT_EQ(disk.Size("pq/x"), -1);
  EXPECT_EQ(disk.DurableSize("pq/x"), -1);

  disk.Crash(rng);
  EXPECT_EQ(disk.List(""), (std::vector<std::string>{"o", "p/00.log", "p/01.log"}))
      << "metadata operations are durable";
  EXPECT_EQ(ReadAll(disk, "p/01.log"), "two!") << "the renamed file keeps its synced bytes";
  EXPECT_EQ(disk.Size("o"), 0);
}

TEST(SimDiskTest, ReadsPastTheEndReturnFewerBytes) {
  SimDisk disk;
  ASSERT_TRUE(disk.Append("r", "abcdef").ok());
  std::string out = "junk";
  ASSERT_TRUE(disk.Read("r", 4, 10, &out).ok());
  EXPECT_EQ(out, "ef");
  ASSERT_TRUE(disk.Read("r", 6, 10, &out).ok());
  EXPECT_EQ(out, "");
  std::string_view view;
  ASSERT_TRUE(disk.ReadView("r", 1, 2, &view).ok());
  EXPECT_EQ(view, "bc");
  EXPECT_TRUE(disk.Read("missing", 0, 1, &out).IsNotFound());
  EXPECT_EQ(disk.Read("r", -1, 1, &out).code(), Status::Code::kInvalidArgument);
}

TEST(SimDiskTest, CallsChargeTheirLatencyTimesTheSlowFactor) {
  DiskOptions options;
  options.write_latency_us = 10;
  options.read_latency_us = 3;
  options.fsync_latency_us = 1'000;
  options.throughput_bytes_per_s = 1'000'000;  // 1 byte per us
  SimDisk disk(options);
  DurationUs charged = 0;
  disk.SetCostSink([&](DurationUs latency) { charged += latency; });
  ASSERT_TRUE(disk.Append("f", Pattern(500)).ok());
  EXPECT_EQ(charged, 10);
  std::string out;
  ASSERT_TRUE(disk.Read("f", 0, 10, &out).ok());
  EXPECT_EQ(charged, 13);
  ASSERT_TRUE(disk.Fsync("f").ok());
  EXPECT_EQ(charged, 13 + 1'000 + 500) << "fsync pays for the dirty bytes";
  ASSERT_TRUE(disk.Fsync("f").ok());
  EXPECT_EQ(charged, 13 + 1'500 + 1'000) << "nothing dirty: base latency only";

  charged = 0;
  disk.SetSlowFactor(10);
  ASSERT_TRUE(disk.Append("f", "x").ok());
  ASSERT_TRUE(disk.Fsync("f").ok());
  EXPECT_EQ(charged, 10 * (10 + 1'000 + 1));
  disk.SetSlowFactor(0);
  EXPECT_EQ(disk.slow_factor(), 1) << "clamped to normal speed";
}

// Files larger than one storage chunk: appends, overwrites, views and copies that span chunk
// boundaries, truncation, corruption and crashes must behave exactly as for a small file.
TEST(SimDiskTest, FilesSpanningChunksBehaveAsOneByteString) {
  const int64_t chunk = SimDisk::kChunkBytes;
  SimDisk disk(DiskOptions{.torn_tail = TornTail::kPrefix});
  Rng rng(7);
  std::string expected;
  // Odd-sized appends so that writes straddle the chunk boundaries.
  for (int i = 0; static_cast<int64_t>(expected.size()) < 2 * chunk + 1000; ++i) {
    const std::string piece = Pattern(100'003, static_cast<char>('a' + i % 20));
    ASSERT_TRUE(disk.Append("big", piece).ok());
    expected += piece;
  }
  EXPECT_EQ(ReadAll(disk, "big"), expected);
  EXPECT_EQ(disk.UsedBytes(), static_cast<int64_t>(expected.size()));

  std::string_view view;
  ASSERT_TRUE(disk.ReadView("big", chunk - 10, 20, &view).ok());
  EXPECT_EQ(view, std::string_view(expected).substr(static_cast<size_t>(chunk - 10), 20))
      << "a view across a boundary is a copy with the same bytes";
  std::string_view inside;
  ASSERT_TRUE(disk.ReadView("big", chunk + 5, 100, &inside).ok());
  EXPECT_EQ(inside, std::string_view(expected).substr(static_cast<size_t>(chunk + 5), 100));
  EXPECT_EQ(view, std::string_view(expected).substr(static_cast<size_t>(chunk - 10), 20))
      << "an earlier spanning view stays valid while the file is not modified";

  ASSERT_TRUE(disk.WriteAt("big", chunk - 3, "XYZUVW").ok());
  expected.replace(static_cast<size_t>(chunk - 3), 6, "XYZUVW");
  EXPECT_EQ(ReadAll(disk, "big"), expected);

  ASSERT_TRUE(disk.Corrupt("big", 2 * chunk - 2, 4).ok());
  for (int64_t i = 2 * chunk - 2; i < 2 * chunk + 2; ++i) {
    expected[static_cast<size_t>(i)] ^= static_cast<char>(0xff);
  }
  EXPECT_EQ(ReadAll(disk, "big"), expected);

  ASSERT_TRUE(disk.Fsync("big").ok());
  ASSERT_TRUE(disk.Append("big", Pattern(chunk + 17)).ok());
  const std::vector<CrashLoss> losses = disk.Crash(rng);
  ASSERT_EQ(losses.size(), 1u);
  EXPECT_EQ(losses[0].size_after,
            static_cast<int64_t>(expected.size()) + losses[0].torn_bytes_kept);
  expected += Pattern(chunk + 17).substr(0, static_cast<size_t>(losses[0].torn_bytes_kept));
  EXPECT_EQ(ReadAll(disk, "big"), expected) << "the durable chunks plus a torn prefix";

  ASSERT_TRUE(disk.Truncate("big", chunk + 1).ok());
  expected.resize(static_cast<size_t>(chunk + 1));
  ASSERT_TRUE(disk.Append("big", "tail").ok());
  expected += "tail";
  EXPECT_EQ(ReadAll(disk, "big"), expected);
  EXPECT_EQ(disk.UsedBytes(), static_cast<int64_t>(expected.size()));

  // Deleted chunks are reused by the next file; its bytes are its own.
  ASSERT_TRUE(disk.Delete("big").ok());
  const std::string next = Pattern(chunk + 5, 'k');
  ASSERT_TRUE(disk.Append("next", next).ok());
  EXPECT_EQ(ReadAll(disk, "next"), next);
  EXPECT_EQ(disk.UsedBytes(), chunk + 5);
}

}  // namespace
}  // namespace ks
