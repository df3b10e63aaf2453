#!/usr/bin/env bash
#
# bench/auth.sh: what authentication and authorization cost. Runs Starling alone on this machine.
#   connect   CONN clients connecting as fast as --max-pending 100 allows: anonymous, then as a user of the
#             built-in database (PBKDF2-SHA512, authentication.password_iterations)
#   publish   QoS 0 fan-in as in bench/run.sh (10 publishers -> 1 wildcard subscriber, 64-byte payloads):
#             no ACL, the ACL file below with the decision cache, and without it
# RUNS runs of each, medians into results.md.
#
# Options: -r RUNS (3), -c CONN (2000), -d SECONDS measured (10), -w SECONDS warm-up (5), -H HEAP (1g),
# -o DIR (bench/results/auth-<UTC time>)

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
RUNS=3
CONN=2000
DURATION=10
WARMUP=5
HEAP=1g
OUT="$ROOT/bench/results/auth-$(date -u +%Y%m%dT%H%M%SZ)"
while getopts "r:c:d:w:H:o:h" opt; do
    case "$opt" in
        r) RUNS=$OPTARG ;;
        c) CONN=$OPTARG ;;
        d) DURATION=$OPTARG ;;
        w) WARMUP=$OPTARG ;;
        H) HEAP=$OPTARG ;;
        o) OUT=$OPTARG ;;
        *) sed -n '2,12p' "$0"; exit 64 ;;
    esac
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
[ -x "$DIST/bin/starling-bench" ] || (cd "$ROOT" && ./mvnw -q -DskipTests install)
BENCH="$DIST/bin/starling-bench"

# An ACL of the usual shape: a placeholder rule per device tree, some users, the $SYS rules, then allow.
cat >"$OUT/acl.conf" <<'ACL'
rules = [
  { permission = allow, who = { user = "dashboard" }, action = subscribe, topics = ["$SYS/#"] }
  { permission = deny, who = { clientid = "legacy-1" } }
  { permission = deny, who = { clientid = "legacy-2" } }
  { permission = allow, who = { ipaddr = "10.0.0.0/8" }, action = publish, topics = ["telemetry/#"] }
  { permission = allow, who = all, topics = ["devices/%c/#", "users/%u/#"] }
  { permission = deny, who = all, action = subscribe, topics = ["$SYS/#", "eq #"] }
  { permission = deny, who = all, action = publish, topics = ["$SYS/#"] }
  { permission = allow, who = all, topics = ["bench/#"] }
]
ACL

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for run in $(seq 1 "$RUNS"); do
    echo "== connect run $run/$RUNS" >&2
    dir="$OUT/connect-$run"
    start_node "$dir" "storage.type = memory
authentication.allow_anonymous = false
authentication.password_file = \"$dir/passwd\"
authorization.acl_file = \"\""
    echo bench-secret | STARLING_CTL_SOCKET="$dir/data/starling.sock" "$DIST/bin/starling-ctl" users add bench >/dev/null
    "$BENCH" conn -c 500 -i 0 --max-pending 100 -V 4 -d 1 -Q -p "$PORT" -u bench -P bench-secret --prefix warm \
        >/dev/null 2>>"$OUT/bench.log" || true
    "$BENCH" conn -c "$CONN" -i 0 --max-pending 100 -V 4 -d 1 -Q --json --broker-pid "$PID" -p "$PORT" \
        -u bench -P bench-secret --prefix "u$run" >"$OUT/connect-user-$run.json" 2>>"$OUT/bench.log" || true
    stop_node
    start_node "$dir-anon" "storage.type = memory
authorization.acl_file = \"\""
    "$BENCH" conn -c 500 -i 0 --max-pending 100 -V 4 -d 1 -Q -p "$PORT" --prefix warm >/dev/null 2>>"$OUT/bench.log" || true
    "$BENCH" conn -c "$CONN" -i 0 --max-pending 100 -V 4 -d 1 -Q --json --broker-pid "$PID" -p "$PORT" \
        --prefix "a$run" >"$OUT/connect-anonymous-$run.json" 2>>"$OUT/bench.log" || true
    stop_node
    for acl in none cache nocache; do
        echo "== publish ($acl) run $run/$RUNS" >&2
        case "$acl" in
            none) settings='authorization.acl_file = ""' ;;
            cache) settings="authorization.acl_file = \"$OUT/acl.conf\"" ;;
            nocache) settings="authorization.acl_file = \"$OUT/acl.conf\"
authorization.cache.enabled = false" ;;
        esac
        start_node "$OUT/publish-$acl-$run" "storage.type = memory
$settings"
        "$BENCH" pubsub --pubs 10 --subs 1 -t 'bench/%i' --sub-topic 'bench/#' -I 0 --max-outstanding 20000 \
            -s 64 -q 0 -V 4 -w "$WARMUP" -d "$DURATION" -Q --json --broker-pid "$PID" -p "$PORT" \
            >"$OUT/publish-$acl-$run.json" 2>>"$OUT/bench.log" || true
        stop_node
    done
done

python3 - "$OUT" "$RUNS" "$CONN" <<'PY'
import json, sys
out, runs, conn = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(name, key):
    ds = []
    for r in range(1, runs + 1):
        try:
            ds.append(json.load(open(f"{out}/{name}-{r}.json")))
        except Exception:
            pass
    ds.sort(key=key)
    return ds
rows = [f"| case | median of {runs} | every run | p99 | node CPU |", "|---|---|---|---|---|"]
for name, label in [("connect-anonymous", "connects/s, anonymous"), ("connect-user", "connects/s, user + password")]:
    ds = load(name, lambda d: d["connects_per_second"])
    if ds:
        m = ds[len(ds) // 2]
        rows.append(f"| {label} ({conn} clients) | {m['connects_per_second']:,} | "
                    + ", ".join(format(d["connects_per_second"], ",") for d in ds)
                    + f" | {m['connect_time_micros']['p99'] / 1000:.1f} ms | {m['cpu'].get('broker_percent_of_one_core', '')}% |")
for name, label in [("publish-none", "QoS 0 fan-in msg/s, no ACL"), ("publish-cache", "QoS 0 fan-in msg/s, ACL file, cache on"),
                    ("publish-nocache", "QoS 0 fan-in msg/s, ACL file, cache off")]:
    ds = load(name, lambda d: d["throughput"]["received_per_second"])
    if ds:
        m = ds[len(ds) // 2]
        rows.append(f"| {label} | {m['throughput']['received_per_second']:,} | "
                    + ", ".join(format(d["throughput"]["received_per_second"], ",") for d in ds)
                    + f" | {m['latency_micros']['p99'] / 1000:.1f} ms | {m['cpu'].get('broker_percent_of_one_core', '')}% |")
open(f"{out}/results.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
echo "results in $OUT" >&2
