#!/usr/bin/env bash
# Samples, once a second until stopped, what a benchmark run costs the whole machine, one line each:
#   epoch_ms  busy_jiffies  total_jiffies  app_jiffies  context_switches  commits  wal_bytes
# busy/total from /proc/stat (all cores), app = utime+stime of the app node (the java process
# running app/target/app.jar; 0 while none runs), context switches machine-wide, commits = PostgreSQL's
# xact_commit of the bench database (BENCH_DB, default bench; read-only statements count too),
# wal_bytes = PostgreSQL's WAL position (the whole server's: autovacuum's writes count too).
# bench/tools/phase-costs.py turns the samples into costs per transfer for each measured phase.
#
#   bench/tools/sample-machine.sh samples.txt & sampler=$!
#   bench/run.sh --no-build --scenarios transfers ...
#   kill $sampler; bench/tools/phase-costs.py samples.txt bench/target/bench-results/<run>
set -euo pipefail
out=${1:?usage: sample-machine.sh OUTPUT_FILE}
db=${BENCH_DB:-bench}
: > "$out"
while true; do
  read -r _ user nice system idle iowait irq softirq steal _ < /proc/stat
  busy=$((user + nice + system + irq + softirq + steal))
  app=0
  pid=$(pgrep -f 'app/target/app.jar' | head -1 || true)
  if [[ -n $pid && -r /proc/$pid/stat ]]; then
    # Fields 14 and 15 (utime, stime) counted after the command name, which may hold spaces.
    app=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}' || echo 0)
  fi
  ctxt=$(awk '/^ctxt/ {print $2}' /proc/stat)
  database=$(psql -AtqF ' ' -d postgres -c "SELECT (SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database
      WHERE datname = '$db'), pg_current_wal_lsn() - '0/0'" 2>/dev/null || echo "0 0")
  echo "$(date +%s%3N) $busy $((busy + idle + iowait)) ${app:-0} $ctxt ${database:-0 0}" >> "$out"
  sleep 1
done
