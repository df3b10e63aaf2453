#!/usr/bin/env bash
#
# bench/storage.sh: what durable state costs. Runs Starling alone on this machine.
#
#   bench/storage.sh throughput   QoS 1 fan-in (10 publishers -> 1 persistent subscriber, 64-byte payloads)
#                                 with storage.type = memory, rocksdb + sync always, rocksdb + sync interval;
#                                 RUNS runs each on a fresh node, medians into results.md
#   bench/storage.sh state N M    N persistent sessions (offline) with M queued QoS 1 messages each, then a
#                                 restart: start-up time and the heap it takes (after a full GC), before and
#                                 after the restart
#   bench/storage.sh retained N   N retained messages (64 bytes, 1000 publishers, topics r/<publisher>/<seq>),
#                                 then a restart: start-up time and heap
#
# Options (before the command): -r RUNS (3), -d SECONDS measured (10), -w SECONDS warm-up (5), -H HEAP (1g),
# -o DIR (bench/results/storage-<UTC time>)

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
RUNS=3
DURATION=10
WARMUP=5
HEAP=1g
OUT="$ROOT/bench/results/storage-$(date -u +%Y%m%dT%H%M%SZ)"
while getopts "r:d:w:H:o:h" opt; do
    case "$opt" in
        r) RUNS=$OPTARG ;;
        d) DURATION=$OPTARG ;;
        w) WARMUP=$OPTARG ;;
        H) HEAP=$OPTARG ;;
        o) OUT=$OPTARG ;;
        *) sed -n '2,17p' "$0"; exit 64 ;;
    esac
done
shift $((OPTIND - 1))
COMMAND=${1:-}
[ -n "$COMMAND" ] || { sed -n '2,17p' "$0"; exit 64; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
[ -x "$DIST/bin/starling-bench" ] || (cd "$ROOT" && ./mvnw -q -DskipTests install)
BENCH="$DIST/bin/starling-bench"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# The node's live heap after a full GC, in MB.
live_heap_mb() {
    jcmd "$PID" GC.run >/dev/null
    jcmd "$PID" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub("K,?", "", v); printf "%.0f\n", v / 1024 } }'
}

json_field() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"
}

cmd_throughput() {
    local name settings
    declare -A configs=(
        [memory]='storage.type = memory'
        [rocksdb-always]='storage.type = rocksdb
storage.sync = always'
        [rocksdb-interval]='storage.type = rocksdb
storage.sync = interval'
    )
    for name in memory rocksdb-always rocksdb-interval; do
        settings=${configs[$name]}
        for run in $(seq 1 "$RUNS"); do
            start_node "$OUT/state/$name-$run" "$settings"
            echo "== $name run $run/$RUNS" >&2
            # Persistent subscriber (clean session 0) and publishers over MQTT 3.1.1, closed loop as in run.sh.
            "$BENCH" pubsub --pubs 10 --subs 1 -t 'bench/%i' --sub-topic 'bench/#' -I 0 --max-outstanding 20000 \
                -s 64 -q 1 -C false -p "$PORT" -V 4 -w "$WARMUP" -d "$DURATION" -Q --json --broker-pid "$PID" \
                >"$OUT/$name-$run.json" 2>>"$OUT/bench.log" || true
            du -sm "$OUT/state/$name-$run/data" | cut -f1 >"$OUT/$name-$run.disk"
            stop_node
        done
    done
    python3 - "$OUT" "$RUNS" <<'PY'
import json, sys
out, runs = sys.argv[1], int(sys.argv[2])
rows = [f"| storage | QoS 1 msg/s (median of {runs}) | every run | p50 us | p99 us | lost | duplicates | broker CPU % | data dir MB |",
        "|---|---|---|---|---|---|---|---|---|"]
for name in ["memory", "rocksdb-always", "rocksdb-interval"]:
    ds = []
    for r in range(1, runs + 1):
        try:
            ds.append((json.load(open(f"{out}/{name}-{r}.json")), open(f"{out}/{name}-{r}.disk").read().strip()))
        except Exception:
            pass
    if not ds:
        rows.append(f"| {name} | n/a | | | | | | | |")
        continue
    ds.sort(key=lambda x: x[0]["throughput"]["received_per_second"])
    med, disk = ds[len(ds) // 2]
    lat, dl = med["latency_micros"], med["delivery"]
    each = ", ".join(format(d["throughput"]["received_per_second"], ",") for d, _ in ds)
    rows.append(f"| {name} | {med['throughput']['received_per_second']:,} | {each} | {lat['p50']:,} | {lat['p99']:,}"
                f" | {dl['lost']} | {dl['duplicates']} | {med['cpu']['broker_percent_of_one_core']} | {disk} |")
open(f"{out}/results.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
}

cmd_state() {
    local sessions=${1:?sessions} messages=${2:?messages per session} batch=10000 start dir="$OUT/state/state"
    start_node "$dir" 'storage.type = rocksdb
storage.sync = interval
mqtt.max_queued_messages = 1000'
    echo "heap before: $(live_heap_mb) MB" | tee "$OUT/state.txt"
    local t0 t1
    t0=$(date +%s)
    for ((start = 0; start < sessions; start += batch)); do
        local n=$((sessions - start < batch ? sessions - start : batch))
        # n persistent subscribers (clean session 0) to their own topic, then gone: their sessions stay.
        "$BENCH" sub -c "$n" -n "$start" -i 0 -t 'state/%i' -q 1 -C false -p "$PORT" -V 4 -d 1 -Q >/dev/null 2>>"$OUT/bench.log"
        "$BENCH" pub -c "$n" -n "$start" -i 0 -t 'state/%i' -q 1 -I 0 -L "$messages" -s 64 -p "$PORT" -V 4 -d 600 -Q \
            >/dev/null 2>>"$OUT/bench.log"
        echo "  $((start + n)) sessions filled" >&2
    done
    t1=$(date +%s)
    echo "filled $sessions sessions x $messages messages in $((t1 - t0)) s" | tee -a "$OUT/state.txt"
    echo "heap with the state: $(live_heap_mb) MB" | tee -a "$OUT/state.txt"
    stop_node
    echo "data dir: $(du -sm "$dir/data" | cut -f1) MB" | tee -a "$OUT/state.txt"
    start_node "$dir" 'storage.type = rocksdb
storage.sync = interval
mqtt.max_queued_messages = 1000'
    grep -o 'restored .*' "$LOG" | tee -a "$OUT/state.txt"
    echo "heap after the restart: $(live_heap_mb) MB" | tee -a "$OUT/state.txt"
    stop_node
}

cmd_retained() {
    local count=${1:?retained messages} dir="$OUT/state/retained"
    start_node "$dir" 'storage.type = rocksdb
storage.sync = interval'
    echo "heap before: $(live_heap_mb) MB" | tee "$OUT/retained.txt"
    # 1000 publishers, count/1000 retained messages each, on topics r/<publisher>/<8-digit sequence>.
    "$BENCH" pub -c 1000 -i 0 -t 'r/%i/%s' -r -q 1 -I 0 -L "$((count / 1000))" -s 64 -p "$PORT" -V 4 -d 900 -Q \
        >/dev/null 2>>"$OUT/bench.log"
    echo "heap with $count retained: $(live_heap_mb) MB" | tee -a "$OUT/retained.txt"
    stop_node
    echo "data dir: $(du -sm "$dir/data" | cut -f1) MB" | tee -a "$OUT/retained.txt"
    start_node "$dir" 'storage.type = rocksdb
storage.sync = interval'
    grep -o 'restored .*' "$LOG" | tee -a "$OUT/retained.txt"
    echo "heap after the restart: $(live_heap_mb) MB" | tee -a "$OUT/retained.txt"
    stop_node
}

case "$COMMAND" in
    throughput) cmd_throughput ;;
    state) shift; cmd_state "$@" ;;
    retained) shift; cmd_retained "$@" ;;
    *) sed -n '2,17p' "$0"; exit 64 ;;
esac
echo "results in $OUT" >&2
