#!/usr/bin/env bash
# Every test: set up this machine (Debian packages), build everything in Release, and run the
# whole suite with ctest — unit tests, CLI tests, and every scenario under scenarios/ (run with
# its expectations, and twice to check determinism).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
kafkasim_build
ctest --preset release --output-on-failure
