#!/usr/bin/env python3
"""Turns the JSON files of one bench/run.sh run into a markdown table: the median of each case per broker,
with broker and generator CPU, and Starling's ratio to the best peer."""
import json
import pathlib
import re
import statistics
import sys

BROKERS = ["starling", "mosquitto", "hivemq", "moquette"]
# case -> (label, extractor, higher is better)
CASES = {
    "qos0": ("QoS 0 fan-in msg/s (10 -> 1)", lambda d: d["throughput"]["received_per_second"], True),
    "qos1": ("QoS 1 fan-in msg/s", lambda d: d["throughput"]["received_per_second"], True),
    "qos2": ("QoS 2 fan-in msg/s", lambda d: d["throughput"]["received_per_second"], True),
    "fanout": ("fan-out deliveries/s (1 -> 100)", lambda d: d["throughput"]["received_per_second"], True),
    "pairs": ("1,000 pub/sub pairs msg/s", lambda d: d["throughput"]["received_per_second"], True),
    "latency": ("p99 latency at 10,000 msg/s (us)", lambda d: d["latency_micros"].get("p99"), False),
}


def load(out):
    runs = {}
    for f in sorted(out.glob("*.json")):
        m = re.match(r"(\w+)-(\w+)-(\d+)\.json$", f.name)
        if not m:
            continue
        try:
            runs.setdefault((m.group(1), m.group(2)), []).append(json.loads(f.read_text()))
        except (json.JSONDecodeError, ValueError):
            runs.setdefault((m.group(1), m.group(2)), []).append(None)
    return runs


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, unit=""):
    if v is None:
        return "failed"
    if isinstance(v, float) and v < 100:
        return f"{v:.1f}{unit}"
    return f"{round(v):,}{unit}"


def cpu(runs, key):
    return median([r["cpu"].get(key) for r in runs if r and "cpu" in r])


def delivery_note(runs):
    lost = [r["delivery"].get("lost") for r in runs if r and "delivery" in r]
    dups = [r["delivery"].get("duplicates") for r in runs if r and "delivery" in r]
    lost = [x for x in lost if isinstance(x, (int, float))]
    notes = []
    if lost and max(lost) > 0:
        pct = [r["delivery"].get("lost_percent", 0) for r in runs if r and "delivery" in r]
        notes.append(f"lost up to {max(pct)}%")
    if dups and max(dups) > 0:
        notes.append(f"{max(dups):,} duplicates")
    return ", ".join(notes)


def main():
    out = pathlib.Path(sys.argv[1])
    runs = load(out)
    present = [b for b in BROKERS if any(k[0] == b for k in runs)]
    peers = [b for b in present if b != "starling"]
    print(f"Results in {out.name}: median of the runs of each case; CPU as % of one core (broker / generator); "
          "steal: the share of the machine's CPU time the hypervisor gave to other guests during the runs.\n")
    print("| case | " + " | ".join(present) + " | Starling / best peer |")
    print("|---|" + "---|" * len(present) + "---|")
    for case, (label, extract, higher) in CASES.items():
        row, values = [], {}
        for b in present:
            rs = runs.get((b, case), [])
            v = median([extract(r) if r else None for r in rs]) if rs else None
            values[b] = v
            if not rs:
                row.append("-")
                continue
            note = delivery_note(rs)
            cell = fmt(v) + f" <br>cpu {fmt(cpu(rs, 'broker_percent_of_one_core'))} / {fmt(cpu(rs, 'tool_percent_of_one_core'))}"
            steal = cpu(rs, "host_steal_percent")
            if steal is not None:
                cell += f" <br>steal {steal:.1f}%"
            reclaim = cpu(rs, "kernel_reclaim_percent_of_one_core")
            if case == "latency" and reclaim is not None:
                # kdamond's slices of several ms land on whatever runs: the tail's share that belongs to the host.
                cell += f" <br>kdamond {reclaim:.1f}%"
            slices = cpu(rs, "broker_timeslices_per_second")
            if case == "latency" and slices is not None:
                # At a light rate a broker thread's timeslice is a wake-up; the wait is how long it stood ready.
                cell += f" <br>{fmt(slices)} wake-ups/s, {fmt(cpu(rs, 'broker_runqueue_wait_micros_per_timeslice'))} us ready"
            row.append(cell + (f" <br>{note}" if note else ""))
        print(f"| {label} | " + " | ".join(row) + " | " + ratio(values, peers, higher) + " |")
    # (label, cases in order of preference, extractor, higher is better). Memory comes from Starling's node without
    # the warm-up (idlecold) and, for the peers, which have none, from their idle runs.
    idle_rows = [
        ("19,500 idle connections: connects/s, fresh broker", ["idle"], lambda d: d.get("connects_per_second"), True),
        ("19,500 idle connections: connects/s, fresh Starling without its warm-up", ["idlecold"],
         lambda d: d.get("connects_per_second"), True),
        ("19,500 idle connections: connects/s, second storm", ["idlewarm"],
         lambda d: d.get("connects_per_second"), True),
        ("resident memory per idle connection (bytes)", ["idlecold", "idle"],
         lambda d: d.get("broker_memory", {}).get("resident_bytes_per_connection"), False),
        ("live heap per idle connection (bytes)", ["idlecold", "idle"],
         lambda d: d.get("broker_memory", {}).get("live_heap_bytes_per_connection"), False),
    ]
    for label, cases, extract, higher in idle_rows:
        values, row = {}, []
        for b in present:
            rs = next(([r for r in runs.get((b, c), []) if r] for c in cases if runs.get((b, c))), [])
            v = median([extract(r) for r in rs]) if rs else None
            values[b] = v
            # A value missing from runs that did happen: not measurable there (no live heap in a C broker).
            row.append(("n/a" if v is None else fmt(v)) if rs else "-")
        print(f"| {label} | " + " | ".join(row) + " | " + ratio(values, peers, higher) + " |")


def ratio(values, peers, higher):
    s = values.get("starling")
    best = [values[p] for p in peers if values.get(p) is not None]
    if s is None or not best:
        return "-"
    b = max(best) if higher else min(best)
    if not b:
        return "-"
    return f"{s / b:.2f}x"


if __name__ == "__main__":
    main()
