#include "sim/cli/vocabulary.h"

#include "sim/demo/ping_pong.h"
#include "sim/scenario/world_vocabulary.h"
#include "sim/vocabulary/kafka_vocabulary.h"
#include "sim/vocabulary/log_vocabulary.h"

namespace ks {

void RegisterAllVocabulary(ScenarioRegistry& registry) {
  RegisterWorldVocabulary(registry);
  RegisterPingPongVocabulary(registry);
  RegisterKafkaVocabulary(registry);
  RegisterLogVocabulary(registry);
}

}  // namespace ks
