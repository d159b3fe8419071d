#!/usr/bin/env bash
# Cost against the partition count (docs/performance.md, "Scaling with partitions"): runs the
# scenarios/bench/partitions-N.yaml family (3 brokers, one topic of N partitions with RF 3, a
# producer at 100 msgs/s and a consumer) for each N and each simulated duration, without a trace
# file, and writes one CSV row per run plus a log-log plot of the CPU time per simulated second.
#
# Usage: scripts/bench-partitions.sh [OUT_DIR]          (default out/bench)
# Environment: K (the kafkasim binary, default build/release/bin/kafkasim), PARTITIONS (default
# "100 300 1000 3000 10000"), DURATIONS in simulated seconds (default "5 30": 5 s is the issue's
# case, mostly the topic's creation at large N; 30 s includes the steady state up to N = 10 000).
# Prints the table as it goes; the PNG needs Debian's python3-matplotlib (/usr/bin/python3).
# CPU time (user + system) is the measure: on a shared machine wall time also counts waiting.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
K=${K:-build/release/bin/kafkasim}
PARTITIONS=${PARTITIONS:-100 300 1000 3000 10000}
DURATIONS=${DURATIONS:-5 30}
OUT=${1:-out/bench}
mkdir -p "$OUT"
CSV="$OUT/partitions.csv"
[[ -x "$K" ]] || { echo "no kafkasim binary at $K (build it: cmake --build --preset release --target kafkasim)" >&2; exit 2; }

echo "partitions,simulated_s,wall_s,cpu_s,events,cpu_s_per_simulated_s,times_real_time_cpu,times_real_time_wall,digest" > "$CSV"
printf '%10s %9s %8s %8s %8s %14s %12s %12s\n' partitions simulated wall_s cpu_s events cpu_per_sim_s x_real_cpu x_real_wall
for duration in $DURATIONS; do
  for n in $PARTITIONS; do
    scenario=scenarios/bench/partitions-$n.yaml
    [[ -f "$scenario" ]] || { echo "missing $scenario" >&2; exit 2; }
    timing=$(mktemp)
    line=$(/usr/bin/time -f '%e %U %S' -o "$timing" \
             "$K" run "$scenario" --no-trace --quiet --until "${duration}s" | grep '^seed=')
    read -r wall user sys < "$timing"
    rm -f "$timing"
    events=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' <<< "$line")
    digest=$(sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p' <<< "$line")
    row=$(awk -v n="$n" -v d="$duration" -v w="$wall" -v u="$user" -v s="$sys" -v e="$events" \
              -v g="$digest" 'BEGIN { c = u + s; c = (c > 0 ? c : 0.01); printf "%d,%d,%.2f,%.2f,%d,%.4f,%.1f,%.1f,%s", n, d, w, c, e, c / d, d / c, d / w, g }')
    echo "$row" >> "$CSV"
    IFS=, read -r _ _ w c e per xc xw _ <<< "$row"
    printf '%10s %8ss %8s %8s %8s %14s %12s %12s\n' "$n" "$duration" "$w" "$c" "$e" "$per" "$xc" "$xw"
  done
done
echo "wrote $CSV"

if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 - "$CSV" "$OUT/partitions.png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

rows = list(csv.DictReader(open(sys.argv[1])))
fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
for duration in sorted({int(r["simulated_s"]) for r in rows}):
    pts = sorted((int(r["partitions"]), float(r["cpu_s_per_simulated_s"]))
                 for r in rows if int(r["simulated_s"]) == duration)
    xs, ys = zip(*pts)
    ax.plot(xs, ys, marker="o", label=f"{duration} s simulated")
    # A line of slope 1 through the first point: linear growth.
    ax.plot([xs[0], xs[-1]], [ys[0], ys[0] * xs[-1] / xs[0]], linestyle=":", color="grey")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("partitions (3 brokers, RF 3)")
ax.set_ylabel("CPU seconds per simulated second")
ax.set_title("kafkasim: cost against partitions (dotted: linear)")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(sys.argv[2])
print("wrote", sys.argv[2])
PY
else
  echo "no matplotlib for /usr/bin/python3 (apt-get install python3-matplotlib): table only"
fi
