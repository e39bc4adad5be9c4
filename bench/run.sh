#!/usr/bin/env bash
# ChatterBox load benchmark: one app node + KYC on the local PostgreSQL, Gatling scenarios over the
# WebSocket gateway, pgbench (TPC-B) on the same PostgreSQL for the same duration, one table.
#
#   bench/run.sh [--smoke] [--duration SECONDS] [--scenarios transfers,fanout,...|all] [--no-build]
#
# Scenarios: transfers, fanout (the default full run), ejabberd (the fan-out against ejabberd, which
# it installs with apt-get when missing), connections (gateway sessions one node holds, heap and RSS
# per session), cold (wake-up of passivated rooms and wallets with a long and a short history; the
# app restarts for it with a short passivation timeout). --smoke runs all five, tiny.
#
# Figures are printed, never asserted. Exit status is non-zero only when the harness broke (a
# service did not start, seeding failed, Gatling crashed, a scenario completed nothing at all).
# Knobs (environment): BENCH_TRANSFER_START_USERS, BENCH_TRANSFER_MAX_USERS, BENCH_TRANSFER_LEVEL_SECONDS,
# BENCH_TRANSFER_WARMUP_SECONDS (90; smoke 0: the first level's warm-up), BENCH_TRANSFER_MIN_GAIN_PERCENT, BENCH_FANOUT_ROOMS, BENCH_FANOUT_MEMBERS,
# BENCH_FANOUT_POSTERS, BENCH_FANOUT_POST_EVERY_MS, BENCH_FANOUT_WARMUP_SECONDS (10; smoke 0: lines sent
# in the warm-up are not counted), BENCH_EJABBERD_PORT (19580), BENCH_EJABBERD_DIST_PORT (19591),
# BENCH_CONNECTIONS, BENCH_CONNECTIONS_USERS, BENCH_CONNECTIONS_RATE, BENCH_CONNECTIONS_HEARTBEAT_MS,
# BENCH_CONNECTIONS_IN_GENERAL (0; 1 keeps the connections' users in general, as the product does),
# BENCH_CONNECTIONS_HEAP_DUMP (0; 1 also dumps the app's heap at the plateau and after the idle wait, for bench/tools/heap-breakdown.sh),
# BENCH_USER_ENTITIES_IDLE_SECONDS (the app's chatterbox.user-entities-idle-timeout: 120 as the product; smoke 2),
# BENCH_GATLING_HEAP, BENCH_COLD_HISTORY, BENCH_COLD_TRANSFERS, BENCH_COLD_ROUNDS, BENCH_COLD_WARMUP_ROUNDS, BENCH_COLD_IDLE_MS,
# PGBENCH_SCALE (PGBENCH_CLIENTS), PGBENCH_CLIENTS, PGBENCH_THREADS,
# BENCH_SAMPLE_MACHINE (1: bench/tools/sample-machine.sh runs beside the scenarios, and the transfers' CPU split is printed),
# BENCH_APP_PORT (18080), BENCH_KYC_PORT (18081), BENCH_APP_REMOTE_PORT (25620), BENCH_KYC_REMOTE_PORT
# (25630), BENCH_DB (bench; pgbench uses BENCH_DB_pgbench), BENCH_APP_JAVA_OPTS, BENCH_KYC_JAVA_OPTS,
# PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres). Two runs at once need their own ports and BENCH_DB.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
cd "$ROOT"

smoke=0; duration=60; scenarios="transfers,fanout"; scenarios_given=0; build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1; shift ;;
    --duration) duration="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; scenarios_given=1; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [[ -n "${BENCH_TRANSFER_USERS:-}" ]]; then
  echo "BENCH_TRANSFER_USERS is gone: the transfers scenario climbs from BENCH_TRANSFER_START_USERS to at most" \
    "BENCH_TRANSFER_MAX_USERS (set both to N for one level of N users)" >&2; exit 2
fi
if [[ $smoke == 1 ]]; then
  duration=5
  [[ $scenarios_given == 1 ]] || scenarios="transfers,fanout,ejabberd,connections,cold"
  : "${BENCH_TRANSFER_START_USERS:=2}" "${BENCH_TRANSFER_MAX_USERS:=4}" "${BENCH_TRANSFER_LEVEL_SECONDS:=3}"
  : "${BENCH_TRANSFER_WARMUP_SECONDS:=0}"
  : "${BENCH_FANOUT_ROOMS:=2}" "${BENCH_FANOUT_MEMBERS:=4}" "${BENCH_FANOUT_POSTERS:=1}" "${BENCH_FANOUT_WARMUP_SECONDS:=0}"
  : "${BENCH_CONNECTIONS:=20}" "${BENCH_CONNECTIONS_USERS:=4}" "${BENCH_CONNECTIONS_HEARTBEAT_MS:=2000}"
  : "${BENCH_USER_ENTITIES_IDLE_SECONDS:=2}"
  : "${BENCH_COLD_HISTORY:=300}" "${BENCH_COLD_TRANSFERS:=20}" "${BENCH_COLD_ROUNDS:=3}" "${BENCH_COLD_WARMUP_ROUNDS:=1}"
  : "${PGBENCH_CLIENTS:=2}"; ramp=1
else
  ramp=3
fi
[[ $scenarios == all ]] && scenarios="transfers,fanout,ejabberd,connections,cold"
: "${BENCH_TRANSFER_START_USERS:=8}" "${BENCH_TRANSFER_MAX_USERS:=256}" "${BENCH_TRANSFER_LEVEL_SECONDS:=15}"
: "${BENCH_TRANSFER_WARMUP_SECONDS:=90}"
: "${BENCH_TRANSFER_MIN_GAIN_PERCENT:=10}" "${BENCH_FANOUT_ROOMS:=20}" "${BENCH_FANOUT_MEMBERS:=10}" "${BENCH_FANOUT_POSTERS:=2}"
: "${BENCH_FANOUT_WARMUP_SECONDS:=10}"
: "${BENCH_CONNECTIONS:=5000}" "${BENCH_CONNECTIONS_USERS:=100}" "${BENCH_CONNECTIONS_RATE:=100}"
: "${BENCH_CONNECTIONS_HEARTBEAT_MS:=30000}" "${BENCH_GATLING_HEAP:=1g}" "${BENCH_CONNECTIONS_IN_GENERAL:=0}"
: "${BENCH_CONNECTIONS_HEAP_DUMP:=0}" "${BENCH_SAMPLE_MACHINE:=1}"
: "${BENCH_USER_ENTITIES_IDLE_SECONDS:=120}"
: "${BENCH_COLD_HISTORY:=100000}" "${BENCH_COLD_TRANSFERS:=10000}" "${BENCH_COLD_ROUNDS:=30}" "${BENCH_COLD_IDLE_MS:=1000}"
: "${BENCH_COLD_WARMUP_ROUNDS:=30}"
: "${BENCH_EJABBERD_PORT:=19580}" "${BENCH_EJABBERD_DIST_PORT:=19591}"
: "${BENCH_FANOUT_POST_EVERY_MS:=500}" "${PGBENCH_CLIENTS:=8}" "${PGBENCH_THREADS:=2}"
# pgbench's own documentation: the scale should be at least the number of clients, else it "mostly
# measures update contention" on the branch rows (scale 1 with 8 clients gave 2,950 tps against 4,700
# at scale 8 on this machine: docs/performance.md, twenty-fourth session).
: "${PGBENCH_SCALE:=$PGBENCH_CLIENTS}"
: "${BENCH_APP_PORT:=18080}" "${BENCH_KYC_PORT:=18081}" "${BENCH_APP_REMOTE_PORT:=25620}" "${BENCH_KYC_REMOTE_PORT:=25630}"
: "${BENCH_DB:=bench}"
pgbench_db="${BENCH_DB}_pgbench"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"

run_id="$(date +%Y%m%d-%H%M%S)"
RUN_DIR="$BENCH_DIR/target/bench-results/$run_id"
mkdir -p "$RUN_DIR"
log() { echo "[bench $(date +%H:%M:%S)] $*"; }
source "$BENCH_DIR/lib/ejabberd.sh"
source "$BENCH_DIR/lib/app-memory.sh"

# Every gateway connection is a file descriptor in the app and in Gatling (both inherit this).
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

pids=()
stop_pids() { # pid...
  for pid in "$@"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "$@"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
}
autovacuum_turned_on=""
cleanup() {
  stop_pids "${pids[@]:-}"
  ejabberd_down
  if [[ -n $autovacuum_turned_on ]]; then
    psql -q -d postgres -c 'ALTER SYSTEM RESET autovacuum' -c 'SELECT pg_reload_conf()' >/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Build (the product jars, then the bench module on its own).
if [[ $build == 1 ]]; then
  stale=""
  for jar in app/target/app.jar kyc/target/kyc.jar; do
    if [[ ! -f $jar ]]; then stale=1; break; fi
    # A jar older than any product source (or pom; bench/ is not the product) is rebuilt: a stale jar measures old code.
    if [[ -n "$(find platform/src/main kyc/src/main app/src/main web-client/src pom.xml {platform,kyc,web-client,app}/pom.xml \
                 -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then stale=1; break; fi
  done
  if [[ -n $stale ]]; then
    # package, not install: the bench module needs no product artifact in ~/.m2.
    log "building the product (mvn -DskipTests package)"
    mvn -B -q -DskipTests package
  fi
  log "compiling the bench module"
  mvn -B -q -f bench/pom.xml test-compile
fi

# 2. PostgreSQL: start it if down; fresh databases for this run.
if ! pg_isready -q; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
fi
for db in "$BENCH_DB" "$pgbench_db"; do
  dropdb --if-exists --force "$db"
  createdb "$db"
done
# PostgreSQL as production runs it: autovacuum keeps the journal's statistics fresh, which the read
# models' tag queries need (docs/performance.md, Change 8). This project's CI machines turn it off;
# it is turned on for the run and reset afterwards.
if [[ "$(psql -Atq -d postgres -c 'SHOW autovacuum')" != on ]]; then
  log "PostgreSQL's autovacuum is off: on for this run (ALTER SYSTEM), reset afterwards"
  psql -q -d postgres -c 'ALTER SYSTEM SET autovacuum = on' -c 'SELECT pg_reload_conf()' >/dev/null
  autovacuum_turned_on=1
fi

# 3. KYC and the app, in the background, on their own ports.
db_url="jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB"
log "starting KYC (:$BENCH_KYC_PORT) and the app (:$BENCH_APP_PORT); logs in $RUN_DIR"
KYC_DB_URL="$db_url" KYC_DB_USER="$PGUSER" KYC_HTTP_PORT="$BENCH_KYC_PORT" KYC_REMOTE_PORT="$BENCH_KYC_REMOTE_PORT" \
  java ${BENCH_KYC_JAVA_OPTS:--Xmx512m} -jar kyc/target/kyc.jar > "$RUN_DIR/kyc.log" 2>&1 &
pids+=($!)
wait_http() { # url pid name
  for _ in $(seq 1 90); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then echo "$3 died on start; see $RUN_DIR/$3.log" >&2; tail -20 "$RUN_DIR/$3.log" >&2; exit 1; fi
    sleep 1
  done
  echo "$3 did not answer within 90 s; see $RUN_DIR/$3.log" >&2; exit 1
}
wait_http "http://127.0.0.1:$BENCH_KYC_PORT/health" "${pids[0]}" kyc
app_pid=""
start_app() { # extra JVM options (the cold scenario's short passivation timeout)
  log "starting the app (:$BENCH_APP_PORT) $*"
  CHATTERBOX_DB_URL="$db_url" CHATTERBOX_DB_USER="$PGUSER" CHATTERBOX_HTTP_PORT="$BENCH_APP_PORT" \
    CHATTERBOX_REMOTE_PORT="$BENCH_APP_REMOTE_PORT" CHATTERBOX_KYC_URL="http://127.0.0.1:$BENCH_KYC_PORT" \
    CHATTERBOX_GATEWAY_HEARTBEAT=10m CHATTERBOX_USER_ENTITIES_IDLE_TIMEOUT="${BENCH_USER_ENTITIES_IDLE_SECONDS}s" \
    java ${BENCH_APP_JAVA_OPTS:--Xmx1g} -Dchatterbox.gateway.rate-limit.frames=1000000 \
      -Dchatterbox.gateway.user-rate-limit.lines=1000000 "$@" \
    -jar app/target/app.jar >> "$RUN_DIR/app.log" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  wait_http "http://127.0.0.1:$BENCH_APP_PORT/" "$app_pid" app
}
stop_app() {
  stop_pids "$app_pid"
  local kept=()
  for pid in "${pids[@]}"; do [[ $pid != "$app_pid" ]] && kept+=("$pid"); done
  pids=("${kept[@]}")
}
start_app
log "stack up"
# The machine's CPU split (app, PostgreSQL, Gatling, the rest) per transfer, printed under the table.
if [[ $BENCH_SAMPLE_MACHINE == 1 ]]; then
  BENCH_DB="$BENCH_DB" "$BENCH_DIR/tools/sample-machine.sh" "$RUN_DIR/machine-samples.txt" &
  pids+=($!)
fi

# 4. Scenarios (each seeds its own users in its before hook).
gatling() { # simulation-class results-name
  local cls="$1" name="$2"
  log "scenario $name: ${duration}s"
  mvn -B -q -f bench/pom.xml gatling:test -Dgatling.simulationClass="chatterbox.bench.$cls" \
    -Dbench.gatling.heap="$BENCH_GATLING_HEAP" \
    -Dbench.baseUrl="http://127.0.0.1:$BENCH_APP_PORT" -Dbench.duration="$duration" -Dbench.ramp="$ramp" \
    -Dbench.out="$RUN_DIR" -Dbench.transfers.startUsers="$BENCH_TRANSFER_START_USERS" \
    -Dbench.transfers.maxUsers="$BENCH_TRANSFER_MAX_USERS" -Dbench.transfers.levelSeconds="$BENCH_TRANSFER_LEVEL_SECONDS" \
    -Dbench.transfers.minGainPercent="$BENCH_TRANSFER_MIN_GAIN_PERCENT" -Dbench.transfers.warmupSeconds="$BENCH_TRANSFER_WARMUP_SECONDS" \
    -Dbench.fanout.rooms="$BENCH_FANOUT_ROOMS" -Dbench.fanout.members="$BENCH_FANOUT_MEMBERS" \
    -Dbench.fanout.posters="$BENCH_FANOUT_POSTERS" -Dbench.fanout.postEveryMs="$BENCH_FANOUT_POST_EVERY_MS" \
    -Dbench.fanout.warmupSeconds="$BENCH_FANOUT_WARMUP_SECONDS" \
    -Dbench.ejabberd.wsUrl="ws://127.0.0.1:$BENCH_EJABBERD_PORT/ws" \
    -Dbench.connections.target="$BENCH_CONNECTIONS" -Dbench.connections.users="$BENCH_CONNECTIONS_USERS" \
    -Dbench.connections.rate="$BENCH_CONNECTIONS_RATE" -Dbench.connections.heartbeatMs="$BENCH_CONNECTIONS_HEARTBEAT_MS" \
    -Dbench.connections.inGeneral="$([ "$BENCH_CONNECTIONS_IN_GENERAL" = 1 ] && echo true || echo false)" \
    -Dbench.connections.idleWaitSeconds="$(connections_idle_wait)" \
    -Dbench.cold.history="$BENCH_COLD_HISTORY" -Dbench.cold.transfers="$BENCH_COLD_TRANSFERS" \
    -Dbench.cold.rounds="$BENCH_COLD_ROUNDS" -Dbench.cold.warmupRounds="$BENCH_COLD_WARMUP_ROUNDS" \
    -Dbench.cold.idleMs="$BENCH_COLD_IDLE_MS" -Dbench.serverPid="${server_pid:-}" \
    > "$RUN_DIR/gatling-$name.log" 2>&1 || { echo "Gatling failed ($name); see $RUN_DIR/gatling-$name.log" >&2; tail -30 "$RUN_DIR/gatling-$name.log" >&2; exit 1; }
  local dir
  dir="$(ls -td "$BENCH_DIR"/target/gatling/"$(echo "$cls" | tr 'A-Z' 'a-z')"-* | head -1)"
  echo "$dir" > "$RUN_DIR/$name.gatling-dir"
}
# Waits for a simulation's marker file (RunScript.handshake); fails if the simulation ($2) ended first.
await_marker() { # file gatling-pid
  while [[ ! -f "$RUN_DIR/$1" ]]; do
    kill -0 "$2" 2>/dev/null || { wait "$2"; exit 1; }
    sleep 0.5
  done
}
# The cold scenario seeds on the normal app, then measures on one restarted with a passivation idle
# timeout of BENCH_COLD_IDLE_MS for every entity type, the users' own (wallets) included (everything
# cold, and each round finds it cold again); the app is
# back to normal after it unless it was the last scenario.
cold_scenario() { # last?
  rm -f "$RUN_DIR/cold.seeded" "$RUN_DIR/cold.restarted"
  gatling ColdSimulation cold &
  local gatling_pid=$!
  await_marker cold.seeded "$gatling_pid"
  stop_app
  start_app -Dakka.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout="${BENCH_COLD_IDLE_MS}ms" \
    -Dchatterbox.user-entities-idle-timeout="${BENCH_COLD_IDLE_MS}ms"
  touch "$RUN_DIR/cold.restarted"
  wait "$gatling_pid" || exit 1
  if [[ $1 != last ]]; then stop_app; start_app; fi
}
IFS=',' read -ra wanted <<< "$scenarios"
for i in "${!wanted[@]}"; do
  s="${wanted[$i]}"
  case "$s" in
    transfers) gatling TransfersSimulation transfers ;;
    # The fan-outs report the server's CPU over their delivery window (ejabberd: its Erlang VM).
    fanout) server_pid="$app_pid" gatling FanoutSimulation fanout ;;
    ejabberd) ejabberd_up; server_pid="$(pgrep -n -u ejabberd beam.smp || true)" gatling EjabberdFanoutSimulation ejabberd; ejabberd_down ;;
    connections) connections_scenario ;;
    cold) cold_scenario "$( (( i == ${#wanted[@]} - 1 )) && echo last)" ;;
    *) echo "unknown scenario: $s" >&2; exit 2 ;;
  esac
done
# 5. The stack stops before pgbench, so pgbench has the machine as the app had it.
cleanup; pids=()

log "pgbench TPC-B: scale $PGBENCH_SCALE, $PGBENCH_CLIENTS clients, ${duration}s"
pgbench -i -q -s "$PGBENCH_SCALE" "$pgbench_db" > "$RUN_DIR/pgbench-init.log" 2>&1
(cd "$RUN_DIR" && pgbench -c "$PGBENCH_CLIENTS" -j "$PGBENCH_THREADS" -T "$duration" -l --log-prefix=pgbench_log "$pgbench_db") \
  > "$RUN_DIR/pgbench.txt" 2>&1 || { echo "pgbench failed; see $RUN_DIR/pgbench.txt" >&2; exit 1; }
cat > "$RUN_DIR/settings.properties" <<PROPS
duration=$duration
smoke=$smoke
pgbenchScale=$PGBENCH_SCALE
pgbenchClients=$PGBENCH_CLIENTS
connectionsTarget=$BENCH_CONNECTIONS
userEntitiesIdleSeconds=$BENCH_USER_ENTITIES_IDLE_SECONDS
openFilesLimit=$(ulimit -n)
PROPS

# 6. One table.
java -cp "$BENCH_DIR/target/test-classes" chatterbox.bench.Report "$RUN_DIR" | tee "$RUN_DIR/table.txt"
if [[ -s "$RUN_DIR/machine-samples.txt" && -f "$RUN_DIR/transfers-phases.properties" ]]; then
  if command -v python3 >/dev/null; then
    { echo; echo "The machine's CPU per transfer (bench/tools/phase-costs.py):"
      "$BENCH_DIR/tools/phase-costs.py" "$RUN_DIR/machine-samples.txt" "$RUN_DIR"; } | tee -a "$RUN_DIR/table.txt"
  else
    echo "(no python3: the machine's CPU per transfer is not printed; samples in $RUN_DIR/machine-samples.txt)"
  fi
fi
