#!/usr/bin/env bash
#
# bench/cluster.sh: a three-node cluster on this host against itself: the same load with publishers and
# subscribers on one node (local) and with the subscribers on another node (cross), runs alternating, and one node
# with the cluster off (single) as the baseline of the local case. CLUSTER.md figure 3.
#
#   bench/cluster.sh                     qos0, qos1 and latency, 3 runs each
#   bench/cluster.sh -c qos1 -r 5
#   bench/cluster.sh -c idle -r 1 -H 1g  19,500 idle connections on each of the three nodes at once (one load
#                                        tool per node: the socket limit is per process) and on the single node:
#                                        connect rate and live heap per connection
#
# Options: -c CASES (qos0,qos1,latency), -r RUNS (3), -d SECONDS measured (10), -w SECONDS warm-up (5),
#          -H HEAP of each node (512m), -o DIR for the JSON of every run and results.md (bench/results/cluster-<time>)
#
# Three nodes and the load tool share the machine: on 2 cores the cross case pays for two busy nodes on the
# cores one node had to itself in the local case (results.md says how many cores there were).

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
CASES=qos0,qos1,latency
RUNS=3
DURATION=10
WARMUP=5
HEAP=512m
OUT="$ROOT/bench/results/cluster-$(date -u +%Y%m%dT%H%M%SZ)"
while getopts "c:r:d:w:H:o:h" opt; do
    case "$opt" in
        c) CASES=$OPTARG ;;
        r) RUNS=$OPTARG ;;
        d) DURATION=$OPTARG ;;
        w) WARMUP=$OPTARG ;;
        H) HEAP=$OPTARG ;;
        o) OUT=$OPTARG ;;
        *) sed -n '2,16p' "$0"; exit 64 ;;
    esac
done
# The most sockets one process may hold here; the idle case needs 19,500 in each node and each load tool.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
[ -x "$DIST/bin/starling-bench" ] || (cd "$ROOT" && ./mvnw -q -DskipTests -pl starling-dist -am package)
mkdir -p "$OUT"
WORK=$(mktemp -d)
declare -a PIDS=() PORTS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

COOKIE="bench-cluster-cookie-$RANDOM$RANDOM"
# Each node keeps only its TCP listener (on a port of its own), no management server.
ONE_LISTENER="management.enabled = false
listeners.ssl.default.enabled = false
listeners.ws.default.enabled = false
listeners.wss.default.enabled = false"
CONTROL=($(free_port) $(free_port) $(free_port))
SEEDS="[\"127.0.0.1:${CONTROL[0]}\", \"127.0.0.1:${CONTROL[1]}\", \"127.0.0.1:${CONTROL[2]}\"]"
for i in 0 1 2; do
    start_node "$WORK/node$i" "node.name = \"n$i@127.0.0.1\"
$ONE_LISTENER
cluster.enabled = true
cluster.cookie = \"$COOKIE\"
cluster.bind = \"127.0.0.1:${CONTROL[$i]}\"
cluster.data_bind = \"127.0.0.1:0\"
cluster.static.seeds = $SEEDS"
    PIDS+=("$PID")
    PORTS+=("$PORT")
done
for _ in $(seq 1 600); do
    grep -q 'members \[n0@127.0.0.1, n1@127.0.0.1, n2@127.0.0.1\]' "$WORK"/node0/broker-*.log && break
    sleep 0.1
done
grep -q 'members \[n0@127.0.0.1, n1@127.0.0.1, n2@127.0.0.1\]' "$WORK"/node0/broker-*.log \
    || { echo "the three nodes did not form one cluster" >&2; exit 1; }

# The single node: the same distribution, the cluster off.
start_node "$WORK/single" "$ONE_LISTENER"
SINGLE_PID=$PID
SINGLE_PORT=$PORT
PIDS+=("$PID")

case_args() {
    local flat=(-I 0 --max-outstanding 20000 -s 64)
    case "$1" in
        qos0) echo "pubsub --pubs 10 --subs 1 -t bench/%i --sub-topic bench/# ${flat[*]} -q 0" ;;
        qos1) echo "pubsub --pubs 10 --subs 1 -t bench/%i --sub-topic bench/# ${flat[*]} -q 1" ;;
        latency) echo "pubsub --pubs 10 --subs 1 -t bench/%i --sub-topic bench/# -R 5000 -s 64 -q 0" ;;
        # CLUSTER.md figure 4: one publisher, one subscriber on another node, QoS 1; run it with -d long enough
        # for 1,000,000 messages (-d 60 here): the summary says lost, duplicates and reordered.
        order) echo "pubsub --pubs 1 --subs 1 -t order/1 --sub-topic order/1 -I 0 --max-outstanding 2000 -s 64 -q 1" ;;
    esac
}

# 19,500 idle connections per node, the three nodes at once; then the single node.
idle_runs() {
    local run=$1 i
    local conn=(conn -c 19500 -i 0 --max-pending 100 --broker-heap -V 4 -d 1 -Q --json
        --ifaddr "$(seq -s, -f '127.0.0.%g' 1 8)")
    for i in 0 1 2; do
        "$DIST/bin/starling-bench" "${conn[@]}" -p "${PORTS[$i]}" --prefix "n$i" --broker-pid "${PIDS[$i]}" \
            >"$OUT/idle-cluster$i-$run.json" 2>>"$OUT/bench.log" &
    done
    wait
    sleep 5
    "$DIST/bin/starling-bench" "${conn[@]}" -p "$SINGLE_PORT" --broker-pid "$SINGLE_PID" \
        >"$OUT/idle-single-$run.json" 2>>"$OUT/bench.log" || true
    python3 - "$OUT" "$run" <<'PY'
import json, sys
out, run = sys.argv[1], sys.argv[2]
def show(name):
    d = json.load(open(f"{out}/idle-{name}-{run}.json"))
    m = d.get("broker_memory", {})
    return d.get("connected"), d.get("connects_per_second"), m.get("live_heap_bytes_per_connection"), m.get("resident_bytes_per_connection")
for name in ("cluster0", "cluster1", "cluster2", "single"):
    try:
        c, rate, heap, rss = show(name)
        print(f"idle {name} run {run}: {c} connections, {rate} connects/s, {heap} B live heap and {rss} B resident per connection")
    except Exception as e:
        print(f"idle {name} run {run}: failed ({e})")
PY
}

for case in ${CASES//,/ }; do
    if [ "$case" = idle ]; then
        for run in $(seq 1 "$RUNS"); do idle_runs "$run"; done
        continue
    fi
    read -r -a args <<<"$(case_args "$case")"
    for run in $(seq 1 "$RUNS"); do
        modes="single local cross"
        [ "$case" = order ] && modes=cross
        for mode in $modes; do
            case "$mode" in
                single) port=$SINGLE_PORT; extra=(); pid=$SINGLE_PID ;;
                local) port=${PORTS[0]}; extra=(); pid=${PIDS[0]} ;;
                cross) port=${PORTS[0]}; extra=(--sub-port "${PORTS[1]}"); pid=${PIDS[0]} ;;
            esac
            json="$OUT/$case-$mode-$run.json"
            timeout -k 10 300 "$DIST/bin/starling-bench" "${args[@]}" "${extra[@]}" -p "$port" -V 4 \
                -w "$WARMUP" -d "$DURATION" -Q --json --broker-pid "$pid" >"$json" 2>>"$OUT/bench.log" || true
            echo "$case $mode run $run: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["throughput"]["received_per_second"]), "msg/s, p99", d["latency_micros"]["p99"], "us, sent", d["delivery"].get("sent"), "lost", d["delivery"].get("lost"), "duplicates", d["delivery"].get("duplicates"), "reordered", d["delivery"].get("reordered"))' "$json" 2>/dev/null || echo failed)"
            sleep 2
        done
    done
done | tee "$OUT/runs.txt"

python3 - "$OUT" "$(nproc)" <<'PY' | tee "$OUT/results.md"
import json, glob, os, statistics, sys
out, cores = sys.argv[1], sys.argv[2]
print(f"# Cluster: three nodes on one host ({cores} cores), medians\n")
print("| case | single node | cluster, local | cluster, cross-node | cross / single |")
print("|---|---|---|---|---|")
cases = sorted({os.path.basename(f).split('-')[0] for f in glob.glob(f"{out}/*-*-*.json")} - {"idle", "order"})
for case in cases:
    row = {}
    for mode in ("single", "local", "cross"):
        vals = []
        for f in glob.glob(f"{out}/{case}-{mode}-*.json"):
            try:
                d = json.load(open(f))
                vals.append(d["latency_micros"]["p99"] if case == "latency" else d["throughput"]["received_per_second"])
            except Exception:
                pass
        row[mode] = statistics.median(vals) if vals else None
    unit = " us p99" if case == "latency" else " msg/s"
    fmt = lambda v: "-" if v is None else f"{v:,.0f}{unit}"
    ratio = "-" if not row["single"] or not row["cross"] else (f"+{row['cross'] - row['single']:,.0f} us" if case == "latency" else f"{row['cross'] / row['single']:.0%}")
    print(f"| {case} | {fmt(row['single'])} | {fmt(row['local'])} | {fmt(row['cross'])} | {ratio} |")
PY
