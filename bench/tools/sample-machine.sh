#!/usr/bin/env bash
# Samples, once a second until stopped, what a benchmark run costs the whole machine, one line each:
#   epoch_ms  busy_jiffies  total_jiffies  app_jiffies  context_switches  commits  wal_bytes
#   postgres_jiffies  gatling_jiffies
# busy/total from /proc/stat (all cores), app = utime+stime of the app node (the java process
# running app/target/app.jar; 0 while none runs), context switches machine-wide, commits = PostgreSQL's
# xact_commit of the bench database (BENCH_DB, default bench; read-only statements count too),
# wal_bytes = PostgreSQL's WAL position (the whole server's: autovacuum's writes count too),
# postgres = utime+stime of every PostgreSQL process alive at the sample (the app's pooled backends
# live through a run; a backend that exits takes its share with it), gatling = the same for the load
# generator's processes (Maven and the JVM it forks). Whatever the busy jiffies hold beyond app,
# postgres and gatling is the kernel's own work (softirqs of the loopback traffic) and the rest.
# bench/tools/phase-costs.py turns the samples into costs per transfer for each measured phase.
#
#   bench/tools/sample-machine.sh samples.txt & sampler=$!
#   bench/run.sh --no-build --scenarios transfers ...
#   kill $sampler; bench/tools/phase-costs.py samples.txt bench/target/bench-results/<run>
set -euo pipefail
out=${1:?usage: sample-machine.sh OUTPUT_FILE}
db=${BENCH_DB:-bench}
: > "$out"
# utime+stime of the given pids, summed (a pid gone since pgrep counts nothing): fields 14 and 15 of
# /proc/PID/stat, counted after the command name, which may hold spaces.
jiffies_of() {
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0)))
  done
  echo "$total"
}
while true; do
  read -r _ user nice system idle iowait irq softirq steal _ < /proc/stat
  busy=$((user + nice + system + irq + softirq + steal))
  app=$(jiffies_of $(pgrep -f 'app/target/app.jar' | head -1 || true))
  postgres=$(jiffies_of $(pgrep -x postgres || true))
  load=$(jiffies_of $(pgrep -f 'gatling' || true))
  ctxt=$(awk '/^ctxt/ {print $2}' /proc/stat)
  database=$(psql -AtqF ' ' -d postgres -c "SELECT (SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database
      WHERE datname = '$db'), pg_current_wal_lsn() - '0/0'" 2>/dev/null || echo "0 0")
  echo "$(date +%s%3N) $busy $((busy + idle + iowait)) ${app:-0} $ctxt ${database:-0 0} $postgres $load" >> "$out"
  sleep 1
done
