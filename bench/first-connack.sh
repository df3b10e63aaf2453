#!/usr/bin/env bash
#
# bench/first-connack.sh: the time from `bin/starling start` to the first CONNACK a client gets, for a node alone
# and for a node that joins a running cluster (what a rolling restart waits for at each node), each -r times.
#
#   bench/first-connack.sh -r 5
#
# Needs mosquitto_pub (apt-get install mosquitto-clients).

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
RUNS=3
HEAP=512m
while getopts "r:h" opt; do
    case "$opt" in
        r) RUNS=$OPTARG ;;
        *) sed -n '2,9p' "$0"; exit 64 ;;
    esac
done
command -v mosquitto_pub >/dev/null || { echo "mosquitto_pub is not installed" >&2; exit 1; }
source "$ROOT/bench/lib.sh"
WORK=$(mktemp -d)
SEED_PID=""
cleanup() {
    [ -n "$SEED_PID" ] && kill -TERM "$SEED_PID" 2>/dev/null && wait "$SEED_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
ONE_LISTENER='management.enabled = false
listeners.ssl.default.enabled = false
listeners.ws.default.enabled = false
listeners.wss.default.enabled = false'
COOKIE="first-connack-cookie-$RANDOM$RANDOM"
SEED=$(free_port)
CLUSTER="cluster.enabled = true
cluster.cookie = \"$COOKIE\"
cluster.data_bind = \"127.0.0.1:0\"
cluster.static.seeds = [\"127.0.0.1:$SEED\"]"

# A cluster of one to join.
start_node "$WORK/seed" "node.name = \"seed@127.0.0.1\"
$ONE_LISTENER
$CLUSTER
cluster.bind = \"127.0.0.1:$SEED\""
SEED_PID=$PID

# Starts a node with settings $2 in $1 by `bin/starling start`, prints the milliseconds to its first CONNACK.
first_connack() {
    local dir=$1 settings=$2 port t0 t1
    mkdir -p "$dir"
    port=$(free_port)
    printf 'node.data_dir = "%s/data"\nlisteners.tcp.default.bind = "127.0.0.1:%s"\n%s\n' "$dir" "$port" \
        "$settings" >"$dir/starling.conf"
    t0=$(date +%s%N)
    STARLING_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:+UseG1GC" "$DIST/bin/starling" -c "$dir/starling.conf" start \
        >"$dir/start.log" 2>&1 &
    until mosquitto_pub -h 127.0.0.1 -p "$port" -t first -m connack -q 0 2>/dev/null; do
        sleep 0.01
    done
    t1=$(date +%s%N)
    wait || true
    echo $(((t1 - t0) / 1000000))
    "$DIST/bin/starling" -c "$dir/starling.conf" stop >/dev/null 2>&1 || true
}

for run in $(seq 1 "$RUNS"); do
    alone=$(first_connack "$WORK/alone-$run" "node.name = \"alone@127.0.0.1\"
$ONE_LISTENER")
    joining=$(first_connack "$WORK/join-$run" "node.name = \"join$run@127.0.0.1\"
$ONE_LISTENER
$CLUSTER
cluster.bind = \"127.0.0.1:$(free_port)\"")
    echo "run $run: alone ${alone} ms, joining a cluster ${joining} ms"
done
