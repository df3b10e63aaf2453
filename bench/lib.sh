# bench/lib.sh: what the bench/*.sh scripts share. Source it after setting DIST (the distribution) and HEAP.

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a node with its state in $1 and the HOCON lines "$2"; sets PID, PORT and LOG.
start_node() {
    local dir=$1 settings=$2
    mkdir -p "$dir"
    PORT=$(free_port)
    printf 'node.data_dir = "%s/data"\nlisteners.tcp.default.bind = "127.0.0.1:%s"\n%s\n' \
        "$dir" "$PORT" "$settings" >"$dir/starling.conf"
    # One log per start, so that a restart waits for its own "started" line.
    LOG="$dir/broker-$(date +%s%N).log"
    STARLING_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:+UseG1GC" STARLING_PID_FILE="$dir/starling.pid" \
        "$DIST/bin/starling" -c "$dir/starling.conf" console >"$LOG" 2>&1 &
    PID=$!
    for _ in $(seq 1 6000); do
        grep -q ' started (config: ' "$LOG" 2>/dev/null && return 0
        kill -0 "$PID" 2>/dev/null || { echo "node died; see $LOG" >&2; exit 1; }
        sleep 0.05
    done
    echo "node did not start; see $LOG" >&2
    exit 1
}

stop_node() {
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
}
