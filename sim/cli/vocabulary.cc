#include "sim/cli/vocabulary.h"

#include "sim/demo/ping_pong.h"
#include "sim/scenario/world_vocabulary.h"

namespace ks {

void RegisterAllVocabulary(ScenarioRegistry& registry) {
  RegisterWorldVocabulary(registry);
  RegisterPingPongVocabulary(registry);
}

}  // namespace ks
