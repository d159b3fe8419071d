#include "model/log/varint.h"

namespace ks {

void PutVarint(std::string* out, int32_t value) {
  char buffer[kMaxVarintBytes];
  out->append(buffer, EncodeVarint(buffer, value));
}

void PutVarlong(std::string* out, int64_t value) {
  char buffer[kMaxVarlongBytes];
  out->append(buffer, EncodeVarlong(buffer, value));
}

}  // namespace ks
