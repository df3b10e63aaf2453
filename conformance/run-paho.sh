#!/usr/bin/env bash
#
# Runs the Eclipse Paho interoperability suites (client_test.py: MQTT 3.1.1, client_test5.py: MQTT 5) against
# bin/starling started with conformance/paho.conf, one test at a time under a timeout, and prints a table.
#
# Usage: conformance/run-paho.sh /path/to/paho.mqtt.testing/interoperability
#
# The suites connect to localhost:1883 only, so nothing else may listen there. Build first:
#   ./mvnw -q -DskipTests install
set -uo pipefail

suite_dir=${1:?usage: $0 /path/to/paho.mqtt.testing/interoperability}
root=$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
starling=$root/starling-dist/target/starling/bin/starling
per_test_timeout=${PAHO_TEST_TIMEOUT:-120}

[ -x "$starling" ] || { echo "build first: ./mvnw -q -DskipTests install" >&2; exit 2; }
[ -f "$suite_dir/client_test5.py" ] || { echo "$suite_dir has no client_test5.py" >&2; exit 2; }

"$starling" start -c "$root/conformance/paho.conf" || exit 1
trap '"$starling" stop >/dev/null' EXIT

passed=0
failed=0
for script in client_test.py client_test5.py; do
    for test in $(grep -o 'def test[A-Za-z0-9_]*' "$suite_dir/$script" | cut -c5-); do
        if (cd "$suite_dir" && timeout "$per_test_timeout" python3 "$script" "Test.$test") >/tmp/paho-$test.log 2>&1 \
                && grep -q '^OK' /tmp/paho-$test.log; then
            printf '%-16s %-36s passed\n' "$script" "$test"
            passed=$((passed + 1))
        else
            printf '%-16s %-36s FAILED (log: /tmp/paho-%s.log)\n' "$script" "$test" "$test"
            failed=$((failed + 1))
        fi
    done
done
echo "passed $passed, failed $failed"
[ "$failed" -eq 0 ]
