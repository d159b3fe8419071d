#include "model/log/batch_scanner.h"

#include <algorithm>
#include <string>

#include "model/env/check.h"

namespace ks {

std::string_view BatchScanStopName(BatchScanStop stop) {
  switch (stop) {
    case BatchScanStop::kNone:
      return "none";
    case BatchScanStop::kEnd:
      return "end";
    case BatchScanStop::kIncomplete:
      return "incomplete";
    case BatchScanStop::kCorruptLength:
      return "corrupt_length";
    case BatchScanStop::kCorruptMagic:
      return "corrupt_magic";
    case BatchScanStop::kInvalidBatch:
      return "invalid_batch";
  }
  return "?";
}

Status DescribeFrameProblem(BatchScanStop stop, int64_t view_bytes, int64_t range_bytes,
                            int64_t size_bytes, int8_t magic) {
  // BatchHeader::Parse's words, in its order: a header that is not all there comes first,
  // whatever its length field says.
  if (view_bytes < kRecordBatchOverhead) {
    return Status::Corruption("truncated batch header: " + std::to_string(view_bytes) +
                              " bytes, a header takes " + std::to_string(kRecordBatchOverhead));
  }
  switch (stop) {
    case BatchScanStop::kCorruptLength:
      return Status::Corruption("impossible batch length " +
                                std::to_string(size_bytes - kLogOverhead) + " (at least " +
                                std::to_string(kRecordBatchOverhead - kLogOverhead) + ")");
    case BatchScanStop::kIncomplete:
      return Status::Corruption("batch of " + std::to_string(size_bytes) + " bytes but only " +
                                std::to_string(range_bytes) + " bytes remain");
    case BatchScanStop::kCorruptMagic:
      return Status::Corruption("unsupported magic " + std::to_string(magic) + " (expected 2)");
    default:
      KS_CHECK_MSG(false, "not a framing problem: " + std::string(BatchScanStopName(stop)));
  }
  return Status::Ok();
}

BatchScanner::BatchScanner(std::string_view bytes, BatchCheck check)
    : BatchScanner(bytes, static_cast<int64_t>(bytes.size()), check) {}

BatchScanner::BatchScanner(std::string_view view, int64_t range_bytes, BatchCheck check)
    : view_(view), range_bytes_(range_bytes), check_(check) {
  KS_CHECK(range_bytes_ >= static_cast<int64_t>(view_.size()));
}

BatchScanner BatchScanner::HeadersOnly(std::string_view view, int64_t range_bytes,
                                       BatchCheck check) {
  KS_CHECK_MSG(check != BatchCheck::kValidated, "validation needs whole batches in view");
  return BatchScanner(view, range_bytes, check);
}

bool BatchScanner::Stop(BatchScanStop stop, int64_t size_bytes) {
  stop_ = stop;
  stopped_size_bytes_ = size_bytes;
  return false;
}

bool BatchScanner::Next(BatchHeader* header) {
  if (stop_ != BatchScanStop::kNone) return false;
  position_ = next_;
  const int64_t range_left = range_bytes_ - position_;
  if (range_left == 0) return Stop(BatchScanStop::kEnd, -1);
  const int64_t view_left = std::max<int64_t>(0, static_cast<int64_t>(view_.size()) - position_);
  if (view_left < kLogOverhead) return Stop(BatchScanStop::kIncomplete, -1);
  const char* p = view_.data() + position_;
  const int64_t size =
      int64_t{static_cast<int32_t>(GetFixed32(p + kBatchLengthOffset))} + kLogOverhead;
  if (size < kRecordBatchOverhead) return Stop(BatchScanStop::kCorruptLength, size);
  if (size > range_left) return Stop(BatchScanStop::kIncomplete, size);
  // Only in a HeadersOnly scan can the batch fit the range while its header is not in view.
  if (view_left < kRecordBatchOverhead) return Stop(BatchScanStop::kIncomplete, size);
  if (check_ != BatchCheck::kFrame && static_cast<int8_t>(p[kMagicOffset]) != kMagicV2) {
    return Stop(BatchScanStop::kCorruptMagic, size);
  }
  header->p_ = p;
  if (check_ == BatchCheck::kValidated) {
    if (Status s = ValidateBatch(*header); !s.ok()) {
      invalid_ = std::move(s);
      return Stop(BatchScanStop::kInvalidBatch, size);
    }
  }
  next_ = position_ + size;
  return true;
}

Status BatchScanner::status() const {
  switch (stop_) {
    case BatchScanStop::kNone:
    case BatchScanStop::kEnd:
      return Status::Ok();
    case BatchScanStop::kInvalidBatch:
      return invalid_;
    default: {
      const int64_t view_left =
          std::max<int64_t>(0, static_cast<int64_t>(view_.size()) - position_);
      const int8_t magic =
          view_left > kMagicOffset
              ? static_cast<int8_t>(
                    view_[static_cast<size_t>(position_) + static_cast<size_t>(kMagicOffset)])
              : int8_t{0};
      return DescribeFrameProblem(stop_, view_left, remaining_bytes(), stopped_size_bytes_, magic);
    }
  }
}

}  // namespace ks
