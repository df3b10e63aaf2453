#!/usr/bin/env bash
#
# bench/jmh.sh: runs the JMH benchmarks of starling-bench and, given a baseline, shows what moved.
#
#   bench/jmh.sh -o after.json                       measure (about 4 minutes), results as JMH JSON
#   bench/jmh.sh -o after.json -B before.json        and compare with an earlier run on this machine
#   bench/jmh.sh -c before.json after.json           compare two runs without measuring
#   bench/jmh.sh -o x.json -- PublishCodecBenchmark  only what matches (JMH's own arguments after --)
#
# A change beyond the threshold (-t, default 10%) is marked REGRESSION or faster. One fork on a shared machine
# moves by several percent between runs: take a regression as a reason to measure again, not as a verdict.

set -euo pipefail
ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
JAR="$ROOT/starling-bench/target/benchmarks.jar"
OUTFILE="" BASELINE="" THRESHOLD=10 COMPARE=()

while getopts "o:B:c:t:h" opt; do
    case "$opt" in
        o) OUTFILE=$OPTARG ;;
        B) BASELINE=$OPTARG ;;
        c) COMPARE=("$OPTARG") ;;
        t) THRESHOLD=$OPTARG ;;
        *) sed -n '2,12p' "$0"; exit 64 ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift

compare() {
    python3 - "$1" "$2" "$THRESHOLD" <<'PY'
import json, sys
def load(path):
    out = {}
    for r in json.load(open(path)):
        params = ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
        name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
        m = r["primaryMetric"]
        out[(name, params)] = (m["score"], m["scoreUnit"], r["mode"])
    return out
before, after, limit = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
print("| benchmark | params | before | after | change |")
print("|---|---|---|---|---|")
worse = 0
for key in sorted(after):
    a, unit, mode = after[key]
    if key not in before:
        print(f"| {key[0]} | {key[1]} | - | {a:,.1f} {unit} | new |")
        continue
    b = before[key][0]
    # Throughput: higher is better; average time: lower is better.
    gain = (a / b - 1) * 100 if mode == "thrpt" else (b / a - 1) * 100
    mark = "REGRESSION" if gain < -limit else ("faster" if gain > limit else "")
    worse += mark == "REGRESSION"
    print(f"| {key[0]} | {key[1]} | {b:,.1f} | {a:,.1f} {unit} | {gain:+.1f}% {mark} |")
sys.exit(1 if worse else 0)
PY
}

if [ ${#COMPARE[@]} -gt 0 ]; then
    compare "${COMPARE[0]}" "$1"
    exit $?
fi
[ -n "$OUTFILE" ] || { echo "-o FILE is required (or -c BEFORE AFTER)" >&2; exit 64; }
if [ ! -f "$JAR" ]; then
    (cd "$ROOT" && ./mvnw -q -DskipTests install)
fi
java -jar "$JAR" -wi 2 -w 2s -i 4 -r 2s -f 1 -rf json -rff "$OUTFILE" "$@"
if [ -n "$BASELINE" ]; then
    compare "$BASELINE" "$OUTFILE"
fi
