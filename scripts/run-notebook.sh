#!/usr/bin/env bash
# Runs a notebook headless over a fresh trace, as the test suite does:
#   scripts/run-notebook.sh NOTEBOOK SCENARIO KAFKASIM_BINARY OUTPUT_DIR
# The scenario is run first (its trace goes to OUTPUT_DIR), then the notebook is executed with
# Debian's Jupyter (/usr/bin/jupyter: python3 on PATH may be another Python that does not see
# Debian's pandas and matplotlib), with KAFKASIM_TRACE pointing at that trace. Any failing cell
# fails the script.
set -euo pipefail
notebook="$1"
scenario="$2"
kafkasim="$3"
out="$4"
mkdir -p "$out"
trace="$out/$(basename "$scenario" .yaml).sqlite"
"$kafkasim" run "$scenario" --trace "$trace" --quiet
export KAFKASIM_TRACE="$trace"
export PYDEVD_DISABLE_FILE_VALIDATION=1
cd "$(dirname "$notebook")"
/usr/bin/jupyter nbconvert --to notebook --execute "$(basename "$notebook")" \
  --output "$out/$(basename "$notebook" .ipynb).executed.ipynb" --ExecutePreprocessor.timeout=300
echo "notebook ok: $notebook over $trace"
