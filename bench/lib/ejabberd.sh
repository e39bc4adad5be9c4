# Sourced by bench/run.sh: the ejabberd of the side-by-side fan-out (scenario "ejabberd"). Debian's
# package, installed when missing; started without systemd with bench/ejabberd/'s configuration
# (loopback only, BENCH_EJABBERD_PORT for XMPP over WebSocket, BENCH_EJABBERD_DIST_PORT for Erlang
# distribution, no epmd), its database and logs under bench/target/ejabberd; stopped by cleanup.
EJ_DIR="$BENCH_DIR/target/ejabberd"
ejabberd_started=0

ejabberdctl_bench() {
  ejabberdctl --config "$EJ_DIR/ejabberd.yml" --ctl-config "$EJ_DIR/ejabberdctl.cfg" \
    --spool "$EJ_DIR/spool" --logs "$EJ_DIR/logs" "$@"
}

ejabberd_install() {
  command -v ejabberdctl >/dev/null && return 0
  log "installing ejabberd (apt-get install ejabberd)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get -o DPkg::Lock::Timeout=600 install -y -q ejabberd \
      || { apt-get -o DPkg::Lock::Timeout=600 update -q && apt-get -o DPkg::Lock::Timeout=600 install -y -q ejabberd; }
  } > "$RUN_DIR/apt-ejabberd.log" 2>&1 || { echo "apt-get install ejabberd failed; see $RUN_DIR/apt-ejabberd.log" >&2; exit 1; }
  # Where no policy forbids it, the package starts the system's own ejabberd (default ports): stop it.
  ejabberdctl stop >/dev/null 2>&1 || true
}

ejabberd_up() {
  ejabberd_install
  rm -rf "$EJ_DIR"
  mkdir -p "$EJ_DIR/spool" "$EJ_DIR/logs"
  sed "s/19580/$BENCH_EJABBERD_PORT/" "$BENCH_DIR/ejabberd/ejabberd.yml" > "$EJ_DIR/ejabberd.yml"
  sed "s/19591/$BENCH_EJABBERD_DIST_PORT/" "$BENCH_DIR/ejabberd/ejabberdctl.cfg" > "$EJ_DIR/ejabberdctl.cfg"
  # ejabberdctl run by root runs ejabberd as the package's ejabberd user.
  chown -R ejabberd: "$EJ_DIR"
  if ! su -s /bin/sh ejabberd -c "test -r '$EJ_DIR/ejabberd.yml'"; then
    echo "the ejabberd user cannot read $EJ_DIR (a parent folder is closed to it)" >&2; exit 1
  fi
  log "starting ejabberd (ws://127.0.0.1:$BENCH_EJABBERD_PORT/ws)"
  ejabberdctl_bench start > "$RUN_DIR/ejabberd-start.log" 2>&1
  ejabberd_started=1
  for _ in $(seq 1 60); do
    if curl -s -o /dev/null "http://127.0.0.1:$BENCH_EJABBERD_PORT/"; then return 0; fi
    sleep 1
  done
  echo "ejabberd did not answer within 60 s; see $EJ_DIR/logs and $RUN_DIR/ejabberd-start.log" >&2; exit 1
}

ejabberd_down() {
  [[ $ejabberd_started == 1 ]] || return 0
  ejabberd_started=0
  ejabberdctl_bench stop > /dev/null 2>&1 || true
  ejabberdctl_bench stopped > /dev/null 2>&1 || true
}
