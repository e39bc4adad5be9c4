#!/usr/bin/env python3
"""Costs per transfer in each measured phase of a transfers run.

  bench/tools/phase-costs.py SAMPLES RUN_DIR

SAMPLES is what bench/tools/sample-machine.sh wrote during the run; RUN_DIR holds the run's
transfers-phases.properties (each phase's window in epoch ms and the transfers completed in it).
For the peak level and the half-of-peak phase it prints the machine's busy cores, the machine's and
the app's CPU per transfer, context switches, PostgreSQL commits and WAL bytes per transfer, all
taken between the first and the last sample inside the window.
"""
import os
import sys

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def phases(run_dir):
    props = {}
    with open(os.path.join(run_dir, "transfers-phases.properties")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                key, value = line.rstrip("\n").split("=", 1)
                props[key] = value
    found = []
    peak = int(props.get("peakIndex", "-1"))
    if peak >= 0:
        found.append(("peak", "level.%d" % peak))
    if "half.fromMs" in props:
        found.append(("half of peak", "half"))
    return [(name, int(props[p + ".fromMs"]), int(props[p + ".toMs"]), int(props[p + ".completed"])) for name, p in found]


def costs(samples, start, end, completed):
    inside = [s for s in samples if start <= s[0] <= end]
    if len(inside) < 2 or completed <= 0:
        return None
    first, last = inside[0], inside[-1]
    seconds = (last[0] - first[0]) / 1000.0
    transfers = completed * seconds / ((end - start) / 1000.0)  # those completed between the two samples, at the window's rate
    busy = (last[1] - first[1]) / CLOCK_TICKS
    app = (last[3] - first[3]) / CLOCK_TICKS
    wal = ", %.1f KB of WAL" % ((last[6] - first[6]) / transfers / 1024) if len(first) > 6 else ""
    split = ""
    if len(first) > 8:  # PostgreSQL's and the load generator's CPU, the rest being the kernel's and others'
        postgres = (last[7] - first[7]) / CLOCK_TICKS
        load = (last[8] - first[8]) / CLOCK_TICKS
        split = ", PostgreSQL %.2f ms, Gatling %.2f ms, the rest %.2f ms" % (
            1000 * postgres / transfers, 1000 * load / transfers, 1000 * (busy - app - postgres - load) / transfers)
    return ("cores busy %.2f, CPU per transfer: machine %.2f ms, app %.2f ms%s; per transfer: %.0f context switches, %.2f commits%s"
            % (busy / seconds, 1000 * busy / transfers, 1000 * app / transfers, split,
               (last[4] - first[4]) / transfers, (last[5] - first[5]) / transfers, wal))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        # six columns, seven with the WAL position, nine with PostgreSQL's and Gatling's CPU (older samples have fewer)
        samples = [tuple(int(float(v)) for v in line.split()) for line in f if len(line.split()) in (6, 7, 9)]
    for name, start, end, completed in phases(sys.argv[2]):
        print("%-13s %s" % (name + ":", costs(samples, start, end, completed) or "too few samples in the window"))


if __name__ == "__main__":
    main()
