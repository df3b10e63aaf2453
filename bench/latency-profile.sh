#!/usr/bin/env bash
#
# bench/latency-profile.sh: where the light-rate tail comes from. Starts one broker, runs the suite's latency
# load against it (10 publishers -> 1 subscriber, 10,000 msg/s QoS 0, 64-byte payloads, 10 s warm-up, 30 s
# measured) and records the scheduler (`perf sched record`) for 8 s in the middle; then prints the run's
# latency and, per thread, how long it waited between being woken and running.
#
#   bench/latency-profile.sh -b starling           Starling from this checkout's distribution
#   bench/latency-profile.sh -b mosquitto          Mosquitto from Debian's package
#
# Options: -b BROKER (starling or mosquitto), -o DIR (default: bench/results/profile-<broker>-<UTC time>),
# -S DIR (the Starling distribution to run). Needs perf (apt-get install linux-perf) and the rights to record
# scheduler events (root, or kernel.perf_event_paranoid <= 1).

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
TOOL="$ROOT/starling-dist/target/starling/bin/starling-bench"
DIST="$ROOT/starling-dist/target/starling"
HEAP=1g
BROKER=starling
OUT=""

while getopts "b:o:S:h" opt; do
    case "$opt" in
        b) BROKER=$OPTARG ;;
        o) OUT=$OPTARG ;;
        S) DIST=$(cd -- "$OPTARG" && pwd) ;;
        *) sed -n '2,14p' "$0"; exit 64 ;;
    esac
done
case "$BROKER" in starling | mosquitto) ;; *) echo "-b must be starling or mosquitto" >&2; exit 64 ;; esac
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 69; }
if [ "$BROKER" = mosquitto ] && ! command -v mosquitto >/dev/null; then
    echo "mosquitto is not installed (apt-get install mosquitto)" >&2
    exit 69
fi
[ -x "$TOOL" ] || (cd "$ROOT" && ./mvnw -q -DskipTests install)
OUT=${OUT:-$ROOT/bench/results/profile-$BROKER-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

if [ "$BROKER" = starling ]; then
    start_node "$OUT" ""   # sets PID (bin/starling console execs the JVM) and PORT
else
    PORT=$(free_port)
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$PORT" >"$OUT/mosquitto.conf"
    mosquitto -c "$OUT/mosquitto.conf" >"$OUT/broker.log" 2>&1 &
    PID=$!
    until (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
        kill -0 "$PID" 2>/dev/null || { echo "mosquitto did not start; see $OUT/broker.log" >&2; exit 1; }
        sleep 0.1
    done
fi
trap stop_node EXIT

bench() {
    "$TOOL" pubsub --pubs 10 --subs 1 -R 10000 -s 64 -q 0 -p "$PORT" -V 4 -Q "$@"
}
bench -t 'warm/%i' --sub-topic 'warm/#' -d 5 --prefix warm >/dev/null 2>&1 || true
bench -t 'bench/%i' --sub-topic 'bench/#' -w 10 -d 30 --json --broker-pid "$PID" >"$OUT/run.json" 2>"$OUT/run.err" &
load=$!
sleep 18
perf sched record -o "$OUT/perf.data" -- sleep 8 >/dev/null 2>&1
wait "$load"
perf sched timehist -i "$OUT/perf.data" >"$OUT/timehist.txt" 2>/dev/null

python3 - "$OUT/run.json" "$OUT/timehist.txt" <<'PY'
import collections, json, re, sys
run = json.load(open(sys.argv[1]))
lat = run["latency_micros"]
print(f"latency (us): p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  p99.9 {lat['p99_9']}  max {lat['max']}")
delays = collections.defaultdict(list)
for line in open(sys.argv[2]):
    f = line.split()
    # time  cpu  task[tid]  wait  sch-delay  run; a task's name may hold blanks ("C2 CompilerThre")
    if len(f) < 6 or not re.fullmatch(r"\d+\.\d+", f[0]) or f[2] == "<idle>":
        continue
    try:
        delays[re.sub(r"\[[\d/]+\]$", "", " ".join(f[2:-3]))].append(float(f[-2]) * 1000)
    except ValueError:
        pass
print("thread                  wake-ups  delay p50   p99  p99.9 (us)  > 0.5 ms  > 1 ms")
for task, d in sorted(delays.items(), key=lambda kv: -len(kv[1]))[:8]:
    d.sort()
    n = len(d)
    print(f"{task:22s} {n:9d} {d[n // 2]:10.0f} {d[int(n * .99)]:5.0f} {d[int(n * .999)]:6.0f}"
          f" {sum(x > 500 for x in d):15d} {sum(x > 1000 for x in d):7d}")
PY
