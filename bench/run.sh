#!/usr/bin/env bash
#
# bench/run.sh: the side-by-side performance suite. Runs Starling and its peers (Mosquitto from Debian's
# package, HiveMQ CE embedded and Moquette from Maven Central) on this machine with identical parameters: case by
# case, each run of a case once per broker in turn (the order turning by one each run; each broker fresh for the
# case, or for every idle run), and writes results.md with the medians.
#
#   bench/run.sh                                   everything: 4 brokers x 7 cases x 3 runs (about an hour)
#   bench/run.sh -b starling -c qos0,qos1 -r 1     a quick look at one broker
#
# Options:
#   -b BROKERS    comma-separated: starling,mosquitto,hivemq,moquette (default: all)
#   -c CASES      comma-separated: latency,qos0,qos1,qos2,fanout,pairs,idle (default: all)
#   -r RUNS       runs per case, the median is reported (default: 3)
#   -d SECONDS    measured seconds per run (default: 10)
#   -w SECONDS    warm-up seconds per run (default: 5)
#   -H HEAP       heap of every JVM broker, -Xms and -Xmx (default: 1g)
#   -o DIR        where the JSON of every run and results.md go (default: bench/results/<UTC time>)
#   -S DIR        the Starling distribution to run as the broker (default: this checkout's); the load tool
#                 is always this checkout's, so that builds from other commits are measured alike
#
# Needs: a JDK 17+, python3, and for Mosquitto `apt-get install mosquitto` (skipped with a message when
# absent). The Starling distribution and bench/peers are built when missing.

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
BROKER_DIST="$DIST"
PEERS="$ROOT/bench/peers"
BROKERS=starling,mosquitto,hivemq,moquette
CASES=latency,qos0,qos1,qos2,fanout,pairs,idle
RUNS=3
DURATION=10
WARMUP=5
HEAP=1g
REST=60
OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"

while getopts "b:c:r:d:w:H:o:S:h" opt; do
    case "$opt" in
        b) BROKERS=$OPTARG ;;
        c) CASES=$OPTARG ;;
        r) RUNS=$OPTARG ;;
        d) DURATION=$OPTARG ;;
        w) WARMUP=$OPTARG ;;
        H) HEAP=$OPTARG ;;
        o) OUT=$OPTARG ;;
        S) BROKER_DIST=$(cd -- "$OPTARG" && pwd) ;;
        *) sed -n '2,24p' "$0"; exit 64 ;;
    esac
done

# The most sockets one process may hold here; the idle case needs 19,500 on each side.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
JVM_OPTS="-Xms$HEAP -Xmx$HEAP -XX:+UseG1GC"

if [ ! -x "$DIST/bin/starling-bench" ]; then
    (cd "$ROOT" && ./mvnw -q -DskipTests install)
fi
if [[ ",$BROKERS," =~ ,(hivemq|moquette), ]] && [ ! -d "$PEERS/target/lib" ]; then
    (cd "$ROOT" && ./mvnw -q -f bench/peers/pom.xml package)
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until broker $3 (state in $4) takes connections on $1. Starling binds its port before its connect-path
# warm-up and accepts after it, so for Starling that is its "started" line, not an open port.
wait_port() {
    local port=$1 pid=$2 name=$3 dir=$4
    for _ in $(seq 1 240); do
        if [ "$name" = starling ]; then
            grep -q ' started (config: ' "$dir/broker.log" 2>/dev/null && return 0
        elif (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.25
    done
    return 1
}

# Starts broker $1 on port $2 with state under $3 (Starling: warm-up connections $4 if given); prints its pid.
start_broker() {
    local name=$1 port=$2 dir=$3 warmup=${4:-}
    mkdir -p "$dir"
    case "$name" in
        starling)
            cat >"$dir/starling.conf" <<CONF
node.data_dir = "$dir/data"
listeners.tcp.default.bind = "127.0.0.1:$port"
CONF
            [ -n "$warmup" ] && echo "node.warmup_connections = $warmup" >>"$dir/starling.conf"
            STARLING_JAVA_OPTS="$JVM_OPTS" STARLING_PID_FILE="$dir/starling.pid" \
                "$BROKER_DIST/bin/starling" -c "$dir/starling.conf" console >"$dir/broker.log" 2>&1 &
            ;;
        mosquitto)
            printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$dir/mosquitto.conf"
            mosquitto -c "$dir/mosquitto.conf" >"$dir/broker.log" 2>&1 &
            ;;
        hivemq | moquette)
            # shellcheck disable=SC2086
            java $JVM_OPTS -cp "$PEERS/target/classes:$PEERS/target/lib/*" io.starling.benchpeers.PeerBroker \
                "$name" "$port" "$dir" >"$dir/broker.log" 2>&1 &
            ;;
    esac
    echo $!
}

stop_broker() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || return 0
    # An overloaded JVM broker may hang in its shutdown hook: 15 s, then SIGKILL.
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# The load of each case; every broker gets exactly these arguments. MQTT 3.1.1 and 64-byte payloads.
case_args() {
    # Flat out, closed loop: publishers write as fast as the broker takes messages, but wait while 20,000
    # deliveries are outstanding, so that no broker is judged by how it copes with unbounded buffering.
    local flat=(-I 0 --max-outstanding 20000 -s 64)
    local fanin=(pubsub --pubs 10 --subs 1 -t 'bench/%i' --sub-topic 'bench/#' "${flat[@]}")
    case "$1" in
        qos0) echo "${fanin[@]} -q 0" ;;
        qos1) echo "${fanin[@]} -q 1" ;;
        qos2) echo "${fanin[@]} -q 2" ;;
        fanout) echo "pubsub --pubs 1 --subs 100 -t fan/x --sub-topic fan/# ${flat[*]} -q 0" ;;
        pairs) echo "pubsub --pubs 1000 --subs 1000 -i 0 -t pair/%i --sub-topic pair/%i ${flat[*]} -q 0" ;;
        latency) echo "pubsub --pubs 10 --subs 1 -t bench/%i --sub-topic bench/# -R 10000 -s 64 -q 0" ;;
        # Eight source addresses: one pair of addresses has some 28,000 ephemeral ports, and connect() scans
        # for a free one (a kernel profile showed 62% of the tool's CPU there), so spread the sockets out.
        idle) echo "conn -c 19500 -i 0 --max-pending 100 --broker-heap --ifaddr $(seq -s, -f '127.0.0.%g' 1 8)" ;;
        *) echo "unknown case $1" >&2; exit 64 ;;
    esac
}

# One measured run of the current case against the current broker, its JSON summary into $1.
# A run that hangs (HiveMQ's pairs case once held the tool for six minutes) is stopped after five.
measure() {
    timeout -k 10 300 "$DIST/bin/starling-bench" "${args[@]}" -p "$port" -V 4 "${timing[@]}" -Q --json \
        --broker-pid "$pid" >"$1" 2>"$OUT/run.err" || true
    cat "$OUT/run.err" >>"$OUT/bench.log"
}

# The light-rate tail follows the host more than the broker: in a minute when the hypervisor takes more than
# STEAL_LIMIT percent of the machine (p99 of every broker here went from some 300 us to 2-30 ms at 1-3% steal),
# the run says nothing about the broker. Such a run of the latency case is repeated, at most twice; the file
# keeps the last, and bench.log says which were repeated.
STEAL_LIMIT=0.5
remeasure_while_stolen() {
    local json=$1 steal
    for retry in 1 2; do
        steal=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cpu"].get("host_steal_percent", 0))' \
            "$json" 2>/dev/null) || return 0
        python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "$steal" "$STEAL_LIMIT" \
            || return 0
        echo "$(basename "$json"): host steal $steal% > $STEAL_LIMIT%, measuring again ($retry/2)" | tee -a "$OUT/bench.log" >&2
        await_idle "$pid"
        measure "$json"
    done
}

# Waits (at most 20 s) until process $1 uses under a tenth of a core over half a second: the broker just measured
# must not still be working off its run (a JVM collecting, a queue draining) while the next broker is measured.
await_idle() {
    local pid=$1 before after
    for _ in $(seq 1 40); do
        before=$(cpu_ticks "$pid") || return 0
        sleep 0.5
        after=$(cpu_ticks "$pid") || return 0
        [ $((after - before)) -le 5 ] && return 0
    done
    # Still busy after 20 s (HiveMQ after its pairs case): say so and go on; the next run meets it as it is.
    echo "process $pid still busy after 20 s; going on" | tee -a "$OUT/bench.log" >&2
}

# User + system CPU of process $1 in clock ticks (100 a second).
cpu_ticks() {
    local stat
    local -a fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -r -a fields <<<"${stat##*) }"
    echo $((fields[11] + fields[12]))
}

declare -A pids ports
# A run that stops early (an error, Ctrl-C) must not leave brokers behind: they would hold their ports, memory and
# CPU through whatever runs next (a left HiveMQ kept a core busy and the management port of Starling taken).
stop_all_brokers() {
    local b
    for b in "${!pids[@]}"; do
        [ -n "${pids[$b]}" ] && stop_broker "${pids[$b]}"
    done
    [ -n "${pid:-}" ] && stop_broker "$pid"
    return 0
}
trap stop_all_brokers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Brings broker $1 up for the current case unless it is running; fails if it does not start.
ensure_broker() {
    local broker=$1 state
    if [ -n "${pids[$broker]:-}" ] && kill -0 "${pids[$broker]}" 2>/dev/null; then
        return 0
    fi
    ports[$broker]=$(free_port)
    state="$OUT/state/$broker-$case-$run"
    pids[$broker]=$(start_broker "$broker" "${ports[$broker]}" "$state")
    if ! wait_port "${ports[$broker]}" "${pids[$broker]}" "$broker" "$state"; then
        echo "$broker did not start for $case; see $state/broker.log" >&2
        stop_broker "${pids[$broker]}"
        pids[$broker]=""
        return 1
    fi
    # Five seconds of light load on every fresh broker before its runs: HiveMQ CE flooded in its first seconds
    # delivered 100 messages, then filled its heap and died (both times).
    "$DIST/bin/starling-bench" pubsub --pubs 10 --subs 1 -t 'warm/%i' --sub-topic 'warm/#' -R 10000 -s 64 -q 0 \
        -p "${ports[$broker]}" -V 4 -d 5 -Q --prefix warm >/dev/null 2>&1 || true
}

# One run of the idle case against broker $1: a fresh broker, the storm, the same storm again; for Starling a
# third fresh node without its warm-up, for the memory figures.
idle_run() {
    local broker=$1 state
    port=$(free_port)
    state="$OUT/state/$broker-idle-$run"
    pid=$(start_broker "$broker" "$port" "$state")
    if ! wait_port "$port" "$pid" "$broker" "$state"; then
        echo "$broker did not start for idle; see $state/broker.log" >&2
        stop_broker "$pid"
        return
    fi
    echo "== $broker idle run $run/$RUNS" >&2
    measure "$OUT/$broker-idle-$run.json"
    if kill -0 "$pid" 2>/dev/null; then
        # The same storm again on the same broker: the connect rate of a warmed-up node (a JVM broker compiles
        # its connect path during the first storm). Its memory figures mean nothing: the first storm left the
        # pages resident.
        echo "== $broker idle run $run/$RUNS, second storm" >&2
        measure "$OUT/$broker-idlewarm-$run.json"
    fi
    kill -0 "$pid" 2>/dev/null || echo "$broker died during idle run $run" | tee -a "$OUT/died.txt" >&2
    stop_broker "$pid"
    if [ "$broker" = starling ]; then
        # Memory per connection from a node without the connect-path warm-up: the warm-up's garbage leaves heap
        # pages resident that the storm then reuses, which would hide what a connection costs.
        port=$(free_port)
        state="$OUT/state/$broker-idlecold-$run"
        # In $pid, like every broker being measured, so that an early end stops it too.
        pid=$(start_broker starling "$port" "$state" 0)
        if wait_port "$port" "$pid" starling "$state"; then
            echo "== starling idle run $run/$RUNS, no warm-up" >&2
            measure "$OUT/$broker-idlecold-$run.json"
        fi
        stop_broker "$pid"
    fi
}

IFS=, read -r -a wanted <<<"$BROKERS"
IFS=, read -r -a cases <<<"$CASES"
brokers=()
for broker in "${wanted[@]}"; do
    if [ "$broker" = mosquitto ] && ! command -v mosquitto >/dev/null; then
        echo "SKIPPED mosquitto: not installed (apt-get install mosquitto)" | tee -a "$OUT/skipped.txt" >&2
    else
        brokers+=("$broker")
    fi
done

# Case by case, and within a case run by run, the brokers one after the other: the machine's speed drifts (by
# up to twice within an hour here), and this way each broker's runs of a case meet the same minutes of it.
for case in "${cases[@]}"; do
    read -r -a args <<<"$(case_args "$case")"
    timing=(-w "$WARMUP" -d "$DURATION")
    [ "$case" = idle ] && timing=(-d 1)
    # p99 at a light rate is a tail of a few hundred samples per second: a longer window steadies it.
    [ "$case" = latency ] && timing=(-w "$((WARMUP * 2))" -d "$((DURATION * 3))")
    run=1
    if [ "$case" != idle ]; then
        # Every broker of the case is up (and idle) before the first run: one broker each for all its runs.
        for broker in "${brokers[@]}"; do
            ensure_broker "$broker" || true
        done
    fi
    if [ "$case" = latency ]; then
        # The machine rests first: right after flat-out cases the light-rate tail is the host's, not the
        # broker's (Mosquitto after Starling's pairs case: p99 3,555 and 37,375 us instead of 165-195).
        sleep "$REST"
    fi
    for run in $(seq 1 "$RUNS"); do
        # The order turns by one each run (S M H Q, then M H Q S, ...): a broker measured straight after a JVM
        # peer's run meets that peer's after-effects (its collector, the host's reclaimer re-sampling the memory
        # it just touched), so no broker may always follow the same one.
        order=("${brokers[@]:$(((run - 1) % ${#brokers[@]}))}" "${brokers[@]:0:$(((run - 1) % ${#brokers[@]}))}")
        for broker in "${order[@]}"; do
            if [ "$case" = idle ]; then
                idle_run "$broker"
                continue
            fi
            ensure_broker "$broker" || continue
            pid=${pids[$broker]}
            port=${ports[$broker]}
            echo "== $broker $case run $run/$RUNS" >&2
            measure "$OUT/$broker-$case-$run.json"
            if [ "$case" = latency ]; then
                remeasure_while_stolen "$OUT/$broker-$case-$run.json"
            fi
            if ! kill -0 "$pid" 2>/dev/null; then
                echo "$broker died during $case run $run" | tee -a "$OUT/died.txt" >&2
                pids[$broker]=""
            elif grep -q "gave up waiting" "$OUT/run.err"; then
                # Alive but no longer answering: the next run gets a fresh one.
                echo "$broker stopped answering during $case run $run" | tee -a "$OUT/died.txt" >&2
                stop_broker "$pid"
                pids[$broker]=""
            else
                await_idle "$pid"
            fi
        done
    done
    for broker in "${brokers[@]}"; do
        [ -n "${pids[$broker]:-}" ] && stop_broker "${pids[$broker]}"
        pids[$broker]=""
    done
done

python3 "$ROOT/bench/report.py" "$OUT" | tee "$OUT/results.md"
