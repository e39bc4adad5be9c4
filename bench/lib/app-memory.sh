# Sourced by bench/run.sh: what the app JVM holds, for the connections scenario. Heap is the used
# heap right after a full collection (jcmd GC.run, then GC.heap_info), so garbage does not count;
# RSS is the process's resident set (/proc/<pid>/status VmRSS), what the machine pays.

app_memory() { # pid property-prefix: prints <prefix>HeapKb= and <prefix>RssKb=
  jcmd "$1" GC.run > /dev/null
  echo "${2}HeapKb=$(jcmd "$1" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1)"
  echo "${2}RssKb=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status")"
}

# Open gateway connections on the app, from its Prometheus endpoint; empty if it did not answer in
# 10 s (a loaded node is no reason to end the run).
app_connections() {
  { curl -s -m 10 -H "Authorization: Bearer ${BENCH_OPERATOR_TOKEN:-dev-only-operator-token}" \
      "http://127.0.0.1:$BENCH_APP_PORT/metrics" || true; } | awk '/^chatterbox_gateway_connections / {printf "%d", $2}'
}

# Waits until the app holds BENCH_CONNECTIONS connections, or 5 s pass without a new high (the node,
# the limits or the load generator gave out; sessions that failed are gone again), or the Gatling
# run ($1) ended.
wait_for_plateau() { # gatling-pid
  local high=0 since=0 n
  for _ in $(seq 1 $((BENCH_CONNECTIONS / BENCH_CONNECTIONS_RATE + 120))); do
    kill -0 "$1" 2>/dev/null || return 0
    n="$(app_connections)"; n="${n:-0}"
    (( n >= BENCH_CONNECTIONS )) && return 0
    if (( n > high )); then
      high=$n; since=0
    elif (( high > 0 )); then
      since=$((since + 1)); (( since >= 5 )) && return 0
    fi
    sleep 1
  done
}

# How long until the users' own entities (account, wallet, room list) have passivated: they go
# between one and one and a half idle timeouts after their last command (Akka checks every half
# timeout), plus a margin.
connections_idle_wait() {
  echo $((BENCH_USER_ENTITIES_IDLE_SECONDS * 3 / 2 + 5))
}

# With BENCH_CONNECTIONS_HEAP_DUMP=1, the app's heap into $RUN_DIR/<name>.hprof (for bench/tools/heap-breakdown.sh).
heap_dump_if_asked() { # name
  [[ $BENCH_CONNECTIONS_HEAP_DUMP == 1 ]] || return 0
  jcmd "$app_pid" GC.heap_dump "$RUN_DIR/$1.hprof" > /dev/null && log "app heap dump: $RUN_DIR/$1.hprof"
}

# The connections scenario: memory once the entities the seeding woke have passivated (the
# simulation waits for it), Gatling ramps the sessions, memory again at the plateau (with the
# entities the sessions woke: each user's account, room list and wallet) and once those have
# passivated too, all into connections-memory.properties.
connections_scenario() {
  local mem="$RUN_DIR/connections-memory.properties"
  # One descriptor per connection in the app and in Gatling: the open-files limit caps the count.
  if (( BENCH_CONNECTIONS > $(ulimit -n) - 1000 )); then
    log "WARNING: open files limit $(ulimit -n) (not raisable here) caps connections below BENCH_CONNECTIONS=$BENCH_CONNECTIONS"
  fi
  rm -f "$RUN_DIR/connections.seeded" "$RUN_DIR/connections.baseline"
  gatling ConnectionsSimulation connections &
  local gatling_pid=$!
  await_marker connections.seeded "$gatling_pid"
  sleep "$(connections_idle_wait)"
  app_memory "$app_pid" baseline > "$mem"
  touch "$RUN_DIR/connections.baseline"
  wait_for_plateau "$gatling_pid"
  echo "plateauConnections=$(app_connections)" >> "$mem"
  app_memory "$app_pid" plateau >> "$mem"
  # What the connections hold, by class (live objects only: GC.class_histogram collects first).
  jcmd "$app_pid" GC.class_histogram 2>/dev/null | head -40 > "$RUN_DIR/connections-histogram.txt" || true
  heap_dump_if_asked connections-plateau
  sleep "$(connections_idle_wait)"
  echo "idleConnections=$(app_connections)" >> "$mem"
  app_memory "$app_pid" idle >> "$mem"
  jcmd "$app_pid" GC.class_histogram 2>/dev/null | head -40 > "$RUN_DIR/connections-histogram-idle.txt" || true
  heap_dump_if_asked connections-idle
  wait "$gatling_pid" || exit 1
}
