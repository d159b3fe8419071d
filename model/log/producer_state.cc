#include "model/log/producer_state.h"

namespace ks {

std::string_view AppendOriginName(AppendOrigin origin) {
  switch (origin) {
    case AppendOrigin::kClient:
      return "client";
    case AppendOrigin::kCoordinator:
      return "coordinator";
    case AppendOrigin::kReplication:
      return "replication";
  }
  return "?";
}

}  // namespace ks
