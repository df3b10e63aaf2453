#!/usr/bin/env bash
#
# bench/transports.sh: what TLS and WebSocket cost. Runs one Starling node on this machine with a listener of
# every kind (certificates made with openssl for the run) and, for each transport:
#   handshakes   CONN connections opened as fast as --max-pending 100 allows (TCP connect to CONNACK): the
#                connect rate, which over TLS is the handshake rate, and the node's CPU
#   throughput   QoS 0 fan-in as in bench/run.sh (10 publishers -> 1 wildcard subscriber, 64-byte payloads,
#                flat out with 20,000 outstanding), MQTT 3.1.1
# Transports: tcp, ssl (BoringSSL via netty-tcnative), ssl-jdk (the JDK's TLS), ws, wss (BoringSSL).
# RUNS runs of each, medians into results.md.
#
# Options: -r RUNS (3), -c CONN (2000), -d SECONDS measured (10), -w SECONDS warm-up (5), -H HEAP (1g),
# -o DIR (bench/results/transports-<UTC time>)

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
RUNS=3
CONN=2000
DURATION=10
WARMUP=5
HEAP=1g
OUT="$ROOT/bench/results/transports-$(date -u +%Y%m%dT%H%M%SZ)"
while getopts "r:c:d:w:H:o:h" opt; do
    case "$opt" in
        r) RUNS=$OPTARG ;;
        c) CONN=$OPTARG ;;
        d) DURATION=$OPTARG ;;
        w) WARMUP=$OPTARG ;;
        H) HEAP=$OPTARG ;;
        o) OUT=$OPTARG ;;
        *) sed -n '2,14p' "$0"; exit 64 ;;
    esac
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
[ -x "$DIST/bin/starling-bench" ] || (cd "$ROOT" && ./mvnw -q -DskipTests install)
BENCH="$DIST/bin/starling-bench"
TRANSPORTS=(tcp ssl ssl-jdk ws wss)

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# A CA-less self-signed EC certificate for 127.0.0.1: the client trusts it with --cafile.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$OUT/broker.key" -out "$OUT/broker.crt" 2>/dev/null
declare -A PORTS
for t in "${TRANSPORTS[@]}"; do
    PORTS[$t]=$(free_port)
done
SSL="certfile = \"$OUT/broker.crt\", keyfile = \"$OUT/broker.key\""
cat >"$OUT/starling.conf" <<CONF
node.data_dir = "$OUT/data"
storage.type = memory
listeners.tcp.default.bind = "127.0.0.1:${PORTS[tcp]}"
listeners.ssl.default { bind = "127.0.0.1:${PORTS[ssl]}", ssl { $SSL, engine = openssl } }
listeners.ssl.jdk { bind = "127.0.0.1:${PORTS[ssl-jdk]}", ssl { $SSL, engine = jdk } }
listeners.ws.default.bind = "127.0.0.1:${PORTS[ws]}"
listeners.wss.default { bind = "127.0.0.1:${PORTS[wss]}", ssl { $SSL, engine = openssl } }
CONF

LOG="$OUT/broker.log"
STARLING_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:+UseG1GC" STARLING_PID_FILE="$OUT/starling.pid" \
    "$DIST/bin/starling" -c "$OUT/starling.conf" console >"$LOG" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
    grep -q ' started (config: ' "$LOG" 2>/dev/null && break
    kill -0 "$PID" 2>/dev/null || { echo "node died; see $LOG" >&2; exit 1; }
    sleep 0.1
done
grep 'listening on' "$LOG" >&2

transport_args() {
    case "$1" in
        tcp) echo "-p ${PORTS[tcp]}" ;;
        ssl) echo "-p ${PORTS[ssl]} --ssl --cafile $OUT/broker.crt" ;;
        ssl-jdk) echo "-p ${PORTS[ssl-jdk]} --ssl --cafile $OUT/broker.crt" ;;
        ws) echo "-p ${PORTS[ws]} --ws" ;;
        wss) echo "-p ${PORTS[wss]} --ws --ssl --cafile $OUT/broker.crt" ;;
    esac
}

# A warm-up pass over every transport first, so that the first measured one does not pay for the JIT.
for t in "${TRANSPORTS[@]}"; do
    # shellcheck disable=SC2046
    "$BENCH" pubsub --pubs 10 --subs 1 -t 'warm/%i' --sub-topic 'warm/#' -I 0 --max-outstanding 20000 -s 64 \
        -q 0 -V 4 -d 3 -Q $(transport_args "$t") >/dev/null 2>>"$OUT/bench.log" || true
    # shellcheck disable=SC2046
    "$BENCH" conn -c 500 -i 0 --max-pending 100 -V 4 -d 1 -Q --prefix "warm-$t" $(transport_args "$t") \
        >/dev/null 2>>"$OUT/bench.log" || true
done

for run in $(seq 1 "$RUNS"); do
    for t in "${TRANSPORTS[@]}"; do
        echo "== $t run $run/$RUNS" >&2
        # shellcheck disable=SC2046
        "$BENCH" conn -c "$CONN" -i 0 --max-pending 100 -V 4 -d 1 -Q --json --broker-pid "$PID" \
            --prefix "c$run-$t" $(transport_args "$t") >"$OUT/conn-$t-$run.json" 2>>"$OUT/bench.log" || true
        # shellcheck disable=SC2046
        "$BENCH" pubsub --pubs 10 --subs 1 -t 'bench/%i' --sub-topic 'bench/#' -I 0 --max-outstanding 20000 \
            -s 64 -q 0 -V 4 -w "$WARMUP" -d "$DURATION" -Q --json --broker-pid "$PID" --prefix "p$run-$t" \
            $(transport_args "$t") >"$OUT/pubsub-$t-$run.json" 2>>"$OUT/bench.log" || true
    done
done

python3 - "$OUT" "$RUNS" "$CONN" "${TRANSPORTS[@]}" <<'PY'
import json, sys
out, runs, conn, transports = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def load(kind, t):
    ds = []
    for r in range(1, runs + 1):
        try:
            ds.append(json.load(open(f"{out}/{kind}-{t}-{r}.json")))
        except Exception:
            pass
    return ds
rows = [f"| transport | connects/s ({conn} clients, median of {runs}) | connect p99 ms | broker CPU % (connect) "
        f"| QoS 0 fan-in msg/s (median of {runs}) | every run | p99 ms | broker CPU % (fan-in) |",
        "|---|---|---|---|---|---|---|---|"]
for t in transports:
    c = sorted(load("conn", t), key=lambda d: d["connects_per_second"])
    p = sorted(load("pubsub", t), key=lambda d: d["throughput"]["received_per_second"])
    cm = c[len(c) // 2] if c else None
    pm = p[len(p) // 2] if p else None
    cells = [t]
    cells += [f"{cm['connects_per_second']:,}", f"{cm['connect_time_micros']['p99'] / 1000:.1f}",
              str(cm['cpu'].get('broker_percent_of_one_core', ''))] if cm else ["n/a", "", ""]
    cells += [f"{pm['throughput']['received_per_second']:,}",
              ", ".join(format(d['throughput']['received_per_second'], ",") for d in p),
              f"{pm['latency_micros']['p99'] / 1000:.1f}", str(pm['cpu'].get('broker_percent_of_one_core', ''))] \
        if pm else ["n/a", "", "", ""]
    rows.append("| " + " | ".join(cells) + " |")
open(f"{out}/results.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
echo "results in $OUT" >&2
