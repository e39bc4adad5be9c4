#!/usr/bin/env bash
# Builds everything and starts the local stack: the KYC service, then the app on
# http://localhost:8080, both on the embedded store under ./data (no PostgreSQL needed).
# Set CHATTERBOX_DB_URL / KYC_DB_URL (see README) to run on PostgreSQL instead. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"

if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  mvn -B -q -DskipTests package
fi

mkdir -p data
java ${KYC_JAVA_OPTS:-} -jar kyc/target/kyc.jar > data/kyc.log 2>&1 &
kyc_pid=$!
trap 'kill $kyc_pid 2>/dev/null || true; wait $kyc_pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 60); do
  if curl -fs "http://127.0.0.1:${KYC_HTTP_PORT:-8081}/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $kyc_pid 2>/dev/null; then echo "KYC service failed to start; see data/kyc.log" >&2; exit 1; fi
  sleep 1
done
echo "KYC service up (log: data/kyc.log); starting the app on http://localhost:${CHATTERBOX_HTTP_PORT:-8080}"
java ${APP_JAVA_OPTS:-} -jar app/target/app.jar
