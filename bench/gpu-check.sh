#!/usr/bin/env bash
# The first thing to run on a GPU node: does the trainer compute on the GPU what it computes on the CPU,
# and how much faster? Trains STEPS steps of Zaremba's small LSTM (Europarl, 10k words) on the CPU, then
# the same steps from the same initial weights (a checkpoint moved across devices) on the GPU, and
# compares the step losses: the largest relative difference must be <= 1e-3. Prints tokens/s of both.
# The learning rate is 0.03, so that the two float orders stay on one path for the whole run (at 0.1
# even two CPU formulations drift apart by 7e-3 within 200 steps), and TensorFloat-32 is off
# (NVIDIA_TF32_OVERRIDE=0: TensorFlow uses it for float32 products on Ampere and later by default,
# with a 10-bit mantissa), so that the GPU computes in float32 as the CPU does.
#
# Needs: an NVIDIA GPU with its driver (nvidia-smi), CUDA 12.3 and cuDNN 8.9 libraries (as in
# trainer-service/src/main/docker/Dockerfile.gpu), and TensorFlow's GPU natives, which the build
# below fetches from Maven Central (org.tensorflow:tensorflow-core-native:1.0.0:linux-x86_64-gpu, 486 MB;
# on a machine without Maven Central, put it in ~/.m2 first).
# Without a GPU it says so and exits 0. --dry-run runs the same comparison with the CPU standing in for
# the GPU (its fused LSTM backward kernel, the GPU's, against the per-step one), which checks the
# script and the comparison anywhere.
# Usage: bench/gpu-check.sh [--dry-run] [STEPS]   (default 200). SKIP_BUILD=1 reuses bench/target.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../infra/infra.sh
source "$ROOT/infra/infra.sh"
DEVICE=GPU
if [ "${1:-}" = --dry-run ]; then
  DEVICE=CPU
  shift
fi
STEPS=${1:-200}
MAX_VOCAB=10000
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

if [ "$DEVICE" = GPU ]; then
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "GPU CHECK: no NVIDIA GPU on this machine (nvidia-smi finds none): nothing to compare."
    echo "Run it on a GPU node, or bench/gpu-check.sh --dry-run to check the comparison on the CPU."
    exit 0
  fi
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/GPU: /'
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  "$ROOT/mvnw" -q -B clean package -DskipTests -pl bench -am $([ "$DEVICE" = GPU ] && echo -Pgpu)
fi
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
if [ "$DEVICE" = GPU ] && ! grep -q "linux-x86_64-gpu" <<<"$CP"; then
  echo "GPU CHECK: bench/target was built without -Pgpu (CPU natives only); run without SKIP_BUILD=1" >&2
  exit 1
fi
JAVA=(java -Xmx2g -cp "$CP")
# shellcheck source=trainer-data.sh
source "$ROOT/bench/trainer-data.sh"
trainer_data europarl
DATA="$OUT/trainer-europarl"
VOCAB=$(tr ' ' '\n' <"$DATA/prepare.txt" | sed -n 's/^vocab=//p')

# TensorFlow's own log (device placement, the CUDA and cuDNN it loaded) goes to bench/out/gpu-check.log
RESULT=$(NVIDIA_TF32_OVERRIDE=0 "${JAVA[@]}" dev.lmforge.bench.TrainerBench device-check "$DATA" "$VOCAB" "$STEPS" "$DEVICE" 2>"$OUT/gpu-check.log" | tail -1)
/usr/bin/env python3 - "$RESULT" "$DEVICE" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
label = 'GPU' if sys.argv[2] == 'GPU' else 'CPU, fused backward (dry run)'
print(f"{r['steps']} steps at learning rate {r['learning_rate']}: first loss CPU {r['first_loss_cpu']:.6f}, {label} {r['first_loss_device']:.6f}; "
      f"last loss CPU {r['last_loss_cpu']:.6f}, {label} {r['last_loss_device']:.6f}")
print(f"tokens/s: CPU {r['tokens_per_s_cpu']:.0f}, {label} {r['tokens_per_s_device']:.0f} "
      f"({r['tokens_per_s_device'] / r['tokens_per_s_cpu']:.2f}x)")
ok = r['max_rel_diff'] <= 1e-3
print(f"GOAL losses {r['max_rel_diff']:.2e} (step {r['at_step']}) <=1e-3 {'met' if ok else 'not met'}")
sys.exit(0 if ok else 1)
PY
