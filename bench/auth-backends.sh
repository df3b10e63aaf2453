#!/usr/bin/env bash
#
# bench/auth-backends.sh: what each authentication backend costs a CONNECT. Starts its own Redis, PostgreSQL,
# MariaDB, OpenLDAP (slapd) and a small HTTP auth service on free ports (Debian's redis-server, postgresql,
# mariadb-server, slapd; python3), one user "bench" in each, then a node per case with the backend's plugin
# (and nothing else deciding), and connects CONN clients as fast as --max-pending 100 allows, as bench/auth.sh:
#   anonymous, builtin (etc/passwd, PBKDF2; every client the same user, so after the first the in-memory HMAC),
#   http, postgresql, mysql (MariaDB), redis (sha256 with salt, as a row each CONNECT), ldap (bind as the user)
# The backends keep no cache: every CONNECT asks the server. RUNS runs of each, medians into results.md.
#
# Options: -r RUNS (3), -c CONN (2000), -H HEAP (1g), -b "CASES" (all), -o DIR (bench/results/backends-<UTC time>)

set -euo pipefail

ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
DIST="$ROOT/starling-dist/target/starling"
RUNS=3
CONN=2000
HEAP=1g
CASES="anonymous builtin http postgresql mysql redis ldap"
OUT="$ROOT/bench/results/backends-$(date -u +%Y%m%dT%H%M%SZ)"
while getopts "r:c:H:b:o:h" opt; do
    case "$opt" in
        r) RUNS=$OPTARG ;;
        c) CONN=$OPTARG ;;
        H) HEAP=$OPTARG ;;
        b) CASES=$OPTARG ;;
        o) OUT=$OPTARG ;;
        *) sed -n '2,12p' "$0"; exit 64 ;;
    esac
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT/servers"
OUT=$(cd "$OUT" && pwd)
[ -x "$DIST/bin/starling-bench" ] || (cd "$ROOT" && ./mvnw -q -DskipTests install)
BENCH="$DIST/bin/starling-bench"
SRV="$OUT/servers"
PASSWORD=bench-secret
SALT=s4lt
SHA=$(printf '%s%s' "$SALT" "$PASSWORD" | sha256sum | cut -d' ' -f1)

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$SRV/redis.pid" ] && kill "$(cat "$SRV/redis.pid")" 2>/dev/null || true
}
trap cleanup EXIT

wait_port() { # port, name
    for _ in $(seq 1 400); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "$2 did not listen on $1" >&2
    exit 1
}

# The same program as root and as anyone else: root runs PostgreSQL as its own account.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_redis() {
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$SRV" --pidfile "$SRV/redis.pid" --logfile "$SRV/redis.log"
    wait_port "$REDIS_PORT" redis
    redis-cli -p "$REDIS_PORT" HSET mqtt_user:bench password_hash "$SHA" salt "$SALT" >/dev/null
}

start_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    PG_PORT=$(free_port)
    mkdir -p "$SRV/pg"
    [ "$(id -u)" = 0 ] && { chmod o+x "$OUT" "$SRV"; chown -R postgres "$SRV/pg"; }
    as_postgres "$bin/initdb" -D "$SRV/pg/data" -U starling --auth=trust -E UTF8 >"$SRV/pg/initdb.log"
    as_postgres "$bin/postgres" -D "$SRV/pg/data" -p "$PG_PORT" -h 127.0.0.1 -k "$SRV/pg" -c fsync=off \
        >"$SRV/pg/postgres.log" 2>&1 &
    PIDS+=($!)
    wait_port "$PG_PORT" postgres
    for _ in $(seq 1 100); do psql -h 127.0.0.1 -p "$PG_PORT" -U starling -d postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
    psql -q -h 127.0.0.1 -p "$PG_PORT" -U starling -d postgres -c "create table mqtt_user (username text primary key,
        password_hash text, salt text, is_superuser boolean default false);
        insert into mqtt_user values ('bench', '$SHA', '$SALT', false);"
}

start_mariadb() {
    MY_PORT=$(free_port)
    local user=()
    [ "$(id -u)" = 0 ] && user=(--user=root)
    mariadb-install-db --no-defaults --datadir="$SRV/my" --auth-root-authentication-method=normal \
        --skip-test-db "${user[@]}" >"$SRV/my-install.log" 2>&1
    /usr/sbin/mariadbd --no-defaults --datadir="$SRV/my" --port="$MY_PORT" --bind-address=127.0.0.1 \
        --socket="$SRV/my.sock" --pid-file="$SRV/my.pid" "${user[@]}" >"$SRV/mariadbd.log" 2>&1 &
    PIDS+=($!)
    wait_port "$MY_PORT" mariadb
    mariadb --no-defaults -S "$SRV/my.sock" -u root -e "create database mqtt;
        create user 'starling'@'127.0.0.1' identified by 'db-secret'; grant all on mqtt.* to 'starling'@'127.0.0.1';
        create table mqtt.mqtt_user (username varchar(64) primary key, password_hash varchar(128), salt varchar(64));
        insert into mqtt.mqtt_user values ('bench', '$SHA', '$SALT');"
}

start_slapd() {
    LDAP_PORT=$(free_port)
    mkdir -p "$SRV/ldap/db"
    cat >"$SRV/ldap/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $DIST/etc/plugins/starling-auth-ldap.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $SRV/ldap/slapd.pid
database mdb
maxsize 104857600
suffix "dc=bench"
rootdn "cn=admin,dc=bench"
rootpw admin-secret
directory $SRV/ldap/db
index uid eq
EOF
    cat >"$SRV/ldap/data.ldif" <<EOF
dn: dc=bench
objectClass: dcObject
objectClass: organization
o: bench
dc: bench

dn: ou=users,dc=bench
objectClass: organizationalUnit
ou: users

dn: uid=bench,ou=users,dc=bench
objectClass: inetOrgPerson
uid: bench
cn: bench
sn: bench
userPassword: $PASSWORD
EOF
    /usr/sbin/slapadd -f "$SRV/ldap/slapd.conf" -l "$SRV/ldap/data.ldif" >"$SRV/ldap/slapadd.log" 2>&1
    /usr/sbin/slapd -f "$SRV/ldap/slapd.conf" -h "ldap://127.0.0.1:$LDAP_PORT/" -d none >"$SRV/ldap/slapd.log" 2>&1 &
    PIDS+=($!)
    wait_port "$LDAP_PORT" slapd
}

start_http() {
    HTTP_PORT=$(free_port)
    cat >"$SRV/auth_service.py" <<'EOF'
import sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Auth(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        ok = form.get("username") == ["bench"] and form.get("password") == [sys.argv[2]]
        self.send_response(200 if ok else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Auth).serve_forever()
EOF
    python3 "$SRV/auth_service.py" "$HTTP_PORT" "$PASSWORD" &
    PIDS+=($!)
    wait_port "$HTTP_PORT" http
}

plugin_settings() { # case -> the plugin's etc/plugins/<name>.conf
    case "$1" in
        http) printf 'auth_url = "http://127.0.0.1:%s/mqtt/auth"\nacl_url = ""\n' "$HTTP_PORT" ;;
        postgresql) printf 'url = "jdbc:postgresql://127.0.0.1:%s/postgres"\nusername = starling\npassword = ""
auth_query = "select password_hash, salt, is_superuser from mqtt_user where username = %%u"\nacl_query = ""\n' "$PG_PORT" ;;
        mysql) printf 'url = "jdbc:mariadb://127.0.0.1:%s/mqtt"\nusername = starling\npassword = db-secret
auth_query = "select password_hash, salt from mqtt_user where username = %%u"\nacl_query = ""\n' "$MY_PORT" ;;
        redis) printf 'server = "127.0.0.1:%s"\nauth_cmd = "HMGET mqtt_user:%%u password_hash salt"\nacl_cmd = ""\n' "$REDIS_PORT" ;;
        ldap) printf 'url = "ldap://127.0.0.1:%s"\nbind_dn = "cn=admin,dc=bench"\nbind_password = admin-secret
base_dn = "ou=users,dc=bench"\nmethod = bind\nacl = false\n' "$LDAP_PORT" ;;
    esac
}

for c in $CASES; do
    case "$c" in
        http) start_http ;;
        postgresql) start_postgres ;;
        mysql) start_mariadb ;;
        redis) start_redis ;;
        ldap) start_slapd ;;
    esac
done

for run in $(seq 1 "$RUNS"); do
    for c in $CASES; do
        echo "== $c run $run/$RUNS" >&2
        dir="$OUT/$c-$run"
        mkdir -p "$dir/etc" "$dir/data"
        auth=(-u bench -P "$PASSWORD")
        settings="storage.type = memory
authorization.acl_file = \"\"
plugins.dir = \"$DIST/plugins\"
plugins.config_dir = \"$dir/etc\""
        case "$c" in
            anonymous) auth=(); settings="$settings
authentication.password_file = \"\"" ;;
            builtin) settings="$settings
authentication.allow_anonymous = false
authentication.password_file = \"$dir/passwd\"" ;;
            *) settings="$settings
authentication.allow_anonymous = false
authentication.password_file = \"\""
               plugin_settings "$c" >"$dir/etc/starling-auth-$c.conf"
               echo "starling-auth-$c" >"$dir/data/loaded_plugins" ;;
        esac
        start_node "$dir" "$settings"
        if [ "$c" = builtin ]; then
            echo "$PASSWORD" | STARLING_CTL_SOCKET="$dir/data/starling.sock" "$DIST/bin/starling-ctl" users add bench >/dev/null
        fi
        "$BENCH" conn -c 500 -i 0 --max-pending 100 -V 4 -d 1 -Q -p "$PORT" "${auth[@]}" --prefix warm \
            >/dev/null 2>>"$OUT/bench.log" || true
        "$BENCH" conn -c "$CONN" -i 0 --max-pending 100 -V 4 -d 1 -Q --json --broker-pid "$PID" -p "$PORT" \
            "${auth[@]}" --prefix "r$run" >"$OUT/$c-$run.json" 2>>"$OUT/bench.log" || true
        stop_node
    done
done

python3 - "$OUT" "$RUNS" "$CONN" "$CASES" <<'PY'
import json, sys
out, runs, conn, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
rows = [f"| backend | connects/s (median of {runs}) | every run | connect p50 | connect p99 | node CPU | node CPU per connect | failed |",
        "|---|---|---|---|---|---|---|---|"]
for c in cases:
    ds = []
    for r in range(1, runs + 1):
        try:
            ds.append(json.load(open(f"{out}/{c}-{r}.json")))
        except Exception:
            pass
    if not ds:
        rows.append(f"| {c} | n/a | | | | | | |")
        continue
    ds.sort(key=lambda d: d["connects_per_second"])
    m = ds[len(ds) // 2]
    t = m["connect_time_micros"]
    cpu = m["cpu"].get("broker_percent_of_one_core", 0)
    per = cpu / 100 * m["connect_seconds"] / max(1, m["connected"]) * 1e6
    rows.append(f"| {c} | {m['connects_per_second']:,} | " + ", ".join(format(d["connects_per_second"], ",") for d in ds)
                + f" | {t['p50'] / 1000:.1f} ms | {t['p99'] / 1000:.1f} ms | {cpu}% | {per:.0f} us | {m['failed']} |")
open(f"{out}/results.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
echo "results in $OUT" >&2
