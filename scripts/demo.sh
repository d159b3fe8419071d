#!/usr/bin/env bash
# The main job: set up this machine (Debian packages), build kafkasim in Release, and run the
# flagship scenario, printing its summary and where its trace was written.
#   scripts/demo.sh [SCENARIO] [kafkasim run options...]
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
kafkasim_build --target kafkasim
FLAGSHIP="scenarios/curriculum/replication-flagship.yaml"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  FLAGSHIP="$1"
  shift
fi
exec build/release/bin/kafkasim run "$FLAGSHIP" "$@"
