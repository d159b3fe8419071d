// The full scenario vocabulary of this build: the world's, the kernel demo's, and every model
// subsystem's. The CLI, the tests that run scenarios and the viewer all use this one list.
#pragma once

#include "sim/scenario/registry.h"

namespace ks {

void RegisterAllVocabulary(ScenarioRegistry& registry);

}  // namespace ks
