// Goal: the one walk over record batches (BatchScanner) stops where Kafka's iterators stop and
// says why, so that no caller confuses "the bytes end inside a batch" (a read window, a torn
// tail: not corruption) with a corrupt batch (a false lost-write report came from each such
// confusion). Method: a buffer of three batches of different sizes, cut at every byte; then a
// corrupt length (too small, negative, in a long and in a short tail), a wrong magic and a bad CRC
// at each level of checking; windows that end inside the length prefix, inside a batch and on a
// boundary; a headers-only scan over a view that holds just the headers; and the messages, which
// must stay BatchHeader::Parse's (recovery traces them).
#include "model/log/batch_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/batch_util.h"

namespace ks {
namespace {

using testing::MakeSimpleBatch;

// Three batches of different sizes, back to back, and where each starts.
struct ThreeBatches {
  std::string bytes;
  std::vector<int64_t> starts;  // and the total size last

  ThreeBatches() {
    int64_t base = 0;
    for (int count : {3, 1, 7}) {
      std::string batch = MakeSimpleBatch(count, 1000);
      SetBaseOffset(batch.data(), base);
      base += count;
      starts.push_back(static_cast<int64_t>(bytes.size()));
      bytes += batch;
    }
    starts.push_back(static_cast<int64_t>(bytes.size()));
  }
  int64_t SizeOf(int batch) const { return starts[batch + 1] - starts[batch]; }
};

// Scans `bytes`; returns the positions of the batches handed out.
std::vector<int64_t> ScanPositions(BatchScanner& scanner) {
  std::vector<int64_t> positions;
  BatchHeader header;
  while (scanner.Next(&header)) {
    EXPECT_EQ(header.size_bytes(), scanner.next_position() - scanner.position());
    positions.push_back(scanner.position());
  }
  return positions;
}

TEST(BatchScannerTest, WholeBufferEndsCleanlyAtEveryLevel) {
  const ThreeBatches three;
  for (BatchCheck check : {BatchCheck::kFrame, BatchCheck::kHeader, BatchCheck::kValidated}) {
    BatchScanner scanner(three.bytes, check);
    EXPECT_EQ(ScanPositions(scanner),
              (std::vector<int64_t>{three.starts[0], three.starts[1], three.starts[2]}));
    EXPECT_TRUE(scanner.at_end());
    EXPECT_EQ(scanner.position(), static_cast<int64_t>(three.bytes.size()));
    EXPECT_TRUE(scanner.status().ok());
    BatchHeader header;
    EXPECT_FALSE(scanner.Next(&header)) << "a stopped scan stays stopped";
  }
  BatchScanner empty{std::string_view()};
  BatchHeader header;
  EXPECT_FALSE(empty.Next(&header));
  EXPECT_TRUE(empty.at_end());
}

TEST(BatchScannerTest, EveryTruncationPointStopsAfterTheWholeBatchesAsIncomplete) {
  const ThreeBatches three;
  for (size_t cut = 0; cut <= three.bytes.size(); ++cut) {
    SCOPED_TRACE("cut at byte " + std::to_string(cut));
    BatchScanner scanner(std::string_view(three.bytes).substr(0, cut), BatchCheck::kValidated);
    const std::vector<int64_t> positions = ScanPositions(scanner);
    // The whole batches before the cut come out, and the scan stops where the cut batch starts.
    std::vector<int64_t> expected;
    int64_t boundary = 0;
    for (int i = 0; i < 3 && three.starts[i + 1] <= static_cast<int64_t>(cut); ++i) {
      expected.push_back(three.starts[i]);
      boundary = three.starts[i + 1];
    }
    EXPECT_EQ(positions, expected);
    EXPECT_EQ(scanner.position(), boundary);
    if (boundary == static_cast<int64_t>(cut)) {
      EXPECT_TRUE(scanner.at_end());
      EXPECT_EQ(scanner.stop(), BatchScanStop::kEnd);
    } else {
      EXPECT_EQ(scanner.stop(), BatchScanStop::kIncomplete);
      EXPECT_TRUE(scanner.stopped_inside_batch());
      EXPECT_EQ(scanner.remaining_bytes(), static_cast<int64_t>(cut) - boundary);
      // The length field is known once the 12-byte prefix is there.
      const int64_t cut_batch_size = three.starts[expected.size() + 1] - boundary;
      EXPECT_EQ(scanner.stopped_size_bytes(),
                scanner.remaining_bytes() < kLogOverhead ? -1 : cut_batch_size);
      EXPECT_EQ(scanner.status().code(), Status::Code::kCorruption) << "described, as Parse does";
    }
  }
}

TEST(BatchScannerTest, AWindowEndingInsideTheLengthPrefixIsIncompleteNotCorrupt) {
  // The case of commit 2e00a9f: a max_bytes window that ends 1..11 bytes into the next batch.
  const ThreeBatches three;
  for (int64_t into = 1; into < kLogOverhead; ++into) {
    BatchScanner scanner(std::string_view(three.bytes).substr(0, three.starts[1] + into));
    ScanPositions(scanner);
    EXPECT_EQ(scanner.stop(), BatchScanStop::kIncomplete) << into << " bytes into the prefix";
    EXPECT_EQ(scanner.position(), three.starts[1]);
    EXPECT_EQ(scanner.stopped_size_bytes(), -1);
  }
}

TEST(BatchScannerTest, AWindowEndingInsideABatchOrOnABoundary) {
  const ThreeBatches three;
  // Inside the header, then inside the records of the second batch.
  for (int64_t into : {int64_t{kLogOverhead}, int64_t{kRecordBatchOverhead - 1},
                       int64_t{kRecordBatchOverhead}, three.SizeOf(1) - 1}) {
    BatchScanner scanner(std::string_view(three.bytes).substr(0, three.starts[1] + into));
    EXPECT_EQ(ScanPositions(scanner).size(), 1u);
    EXPECT_EQ(scanner.stop(), BatchScanStop::kIncomplete) << into << " bytes into the batch";
    EXPECT_EQ(scanner.stopped_size_bytes(), three.SizeOf(1));
  }
  // Exactly on the boundary: a clean end after two batches.
  BatchScanner scanner(std::string_view(three.bytes).substr(0, three.starts[2]));
  EXPECT_EQ(ScanPositions(scanner).size(), 2u);
  EXPECT_TRUE(scanner.at_end());
}

TEST(BatchScannerTest, ACorruptLengthIsCorruptionWhereverTheBytesEnd) {
  const ThreeBatches three;
  for (uint32_t length : {0u, 10u, 48u, 0xfffffff0u}) {
    std::string bytes = three.bytes;
    PutFixed32(bytes.data() + three.starts[1] + kBatchLengthOffset, length);
    // In a long tail, and in a tail shorter than a header (Kafka: a length below the minimum is
    // corrupt even when the bytes end before the header would).
    for (size_t size : {bytes.size(), static_cast<size_t>(three.starts[1] + 30)}) {
      BatchScanner scanner(std::string_view(bytes).substr(0, size));
      EXPECT_EQ(ScanPositions(scanner).size(), 1u);
      EXPECT_EQ(scanner.stop(), BatchScanStop::kCorruptLength) << "length " << length;
      EXPECT_FALSE(scanner.stopped_inside_batch());
      EXPECT_EQ(scanner.position(), three.starts[1]);
      EXPECT_EQ(scanner.stopped_size_bytes(), int64_t{static_cast<int32_t>(length)} + 12);
    }
  }
}

TEST(BatchScannerTest, AWrongMagicStopsAHeaderScanButNotAFrameScan) {
  const ThreeBatches three;
  std::string bytes = three.bytes;
  bytes[static_cast<size_t>(three.starts[2] + kMagicOffset)] = 1;
  BatchScanner header_scan(bytes);
  EXPECT_EQ(ScanPositions(header_scan).size(), 2u);
  EXPECT_EQ(header_scan.stop(), BatchScanStop::kCorruptMagic);
  EXPECT_EQ(header_scan.position(), three.starts[2]);
  BatchScanner frame_scan(bytes, BatchCheck::kFrame);
  EXPECT_EQ(ScanPositions(frame_scan).size(), 3u);
  EXPECT_TRUE(frame_scan.at_end());
}

TEST(BatchScannerTest, ABadCrcStopsOnlyAValidatingScan) {
  const ThreeBatches three;
  std::string bytes = three.bytes;
  bytes[static_cast<size_t>(three.starts[1] + kRecordBatchOverhead + 3)] ^= 0x40;
  BatchScanner header_scan(bytes);
  EXPECT_EQ(ScanPositions(header_scan).size(), 3u);
  EXPECT_TRUE(header_scan.at_end());
  BatchScanner validating(bytes, BatchCheck::kValidated);
  EXPECT_EQ(ScanPositions(validating).size(), 1u);
  EXPECT_EQ(validating.stop(), BatchScanStop::kInvalidBatch);
  EXPECT_EQ(validating.position(), three.starts[1]);
  EXPECT_EQ(validating.status().message().find("CRC mismatch"), 0u)
      << validating.status().ToString();
}

TEST(BatchScannerTest, HeadersOnlyWalksAViewOfTheHeadersOverALongerRange) {
  const ThreeBatches three;
  // The view ends just past the third batch's header; the range is the whole buffer.
  const std::string_view view =
      std::string_view(three.bytes).substr(0, three.starts[2] + kRecordBatchOverhead);
  BatchScanner scanner = BatchScanner::HeadersOnly(view, static_cast<int64_t>(three.bytes.size()));
  EXPECT_EQ(ScanPositions(scanner).size(), 3u);
  EXPECT_TRUE(scanner.at_end());
  // A view that cuts a header stops as incomplete; so does a range that ends inside a batch.
  BatchScanner cut_header = BatchScanner::HeadersOnly(view.substr(0, three.starts[2] + 20),
                                                      static_cast<int64_t>(three.bytes.size()));
  EXPECT_EQ(ScanPositions(cut_header).size(), 2u);
  EXPECT_EQ(cut_header.stop(), BatchScanStop::kIncomplete);
  BatchScanner short_range = BatchScanner::HeadersOnly(view, three.starts[3] - 1);
  EXPECT_EQ(ScanPositions(short_range).size(), 2u);
  EXPECT_EQ(short_range.stop(), BatchScanStop::kIncomplete);
  EXPECT_EQ(short_range.status().message(),
            "batch of " + std::to_string(three.SizeOf(2)) + " bytes but only " +
                std::to_string(three.SizeOf(2) - 1) + " bytes remain");
}

// Recovery traces these words (log.recovery's reason): they are BatchHeader::Parse's.
TEST(BatchScannerTest, MessagesAreParsesWords) {
  const ThreeBatches three;
  auto message_at_stop = [](std::string_view bytes) {
    BatchScanner scanner(bytes);
    BatchHeader header;
    while (scanner.Next(&header)) {
    }
    return scanner.status().message();
  };
  const std::string_view first = std::string_view(three.bytes).substr(0, three.starts[1]);
  EXPECT_EQ(message_at_stop(first.substr(0, 5)),
            "truncated batch header: 5 bytes, a header takes 61");
  EXPECT_EQ(message_at_stop(first.substr(0, 70)),
            "batch of " + std::to_string(three.SizeOf(0)) + " bytes but only 70 bytes remain");
  std::string bad = std::string(first);
  PutFixed32(bad.data() + kBatchLengthOffset, 20);
  EXPECT_EQ(message_at_stop(bad), "impossible batch length 20 (at least 49)");
  EXPECT_EQ(message_at_stop(std::string_view(bad).substr(0, 40)),
            "truncated batch header: 40 bytes, a header takes 61");
  bad = std::string(first);
  bad[kMagicOffset] = 7;
  EXPECT_EQ(message_at_stop(bad), "unsupported magic 7 (expected 2)");
  // And Parse says the same, being one step of a scan.
  BatchHeader header;
  EXPECT_EQ(BatchHeader::Parse(bad, &header).message(), message_at_stop(bad));
  EXPECT_EQ(BatchHeader::Parse("", &header).message(),
            "truncated batch header: 0 bytes, a header takes 61");
}

}  // namespace
}  // namespace ks
