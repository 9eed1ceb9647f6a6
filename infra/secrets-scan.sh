#!/usr/bin/env bash
# No secret of this installation reaches a log: the local tokens (the admin's credentials, the service
# tokens), every Kafka user's password, the S3 secret key and the TLS keystore password are searched
# for in every log under .lmforge/logs. ./lmforge test runs it after the services have run for real.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=infra.sh
source "$ROOT/infra/infra.sh"

secrets=() kinds=()
add() { [ -n "$1" ] && secrets+=("$1") && kinds+=("$2"); return 0; }
[ -f "$LMFORGE_CREDENTIALS" ] && add "$(sed -n 's/^token=//p' "$LMFORGE_CREDENTIALS")" "the admin's token"
for file in "$LMFORGE_HOME"/auth/*.token; do
  [ -f "$file" ] && add "$(sed -n 's/^token=//p' "$file")" "$(basename "$file")"
done
if [ -f "$LMFORGE_HOME/kafka/users.properties" ]; then
  while IFS='=' read -r user password; do add "$password" "Kafka password of $user"; done <"$LMFORGE_HOME/kafka/users.properties"
fi
add "$S3_SECRET_KEY" "the S3 secret key"
[ -f "$LMFORGE_HOME/tls/password" ] && add "$(cat "$LMFORGE_HOME/tls/password")" "the keystore password"
[ ${#secrets[@]} -gt 0 ] || die "no secrets found to look for: run ./lmforge up first"

logs=("$LOG_DIR"/*.log)
leaks=0
for i in "${!secrets[@]}"; do
  # A JWT is searched for by its signature, the part that makes it a credential.
  needle=${secrets[$i]##*.}
  for log in "${logs[@]}"; do
    if grep -qF -- "$needle" "$log"; then
      printf 'secret leak: %s is in %s\n' "${kinds[$i]}" "$log" >&2
      leaks=$((leaks + 1))
    fi
  done
done
echo "secrets scan: ${#secrets[@]} secrets, ${#logs[@]} logs, $leaks leak(s)"
[ "$leaks" -eq 0 ]
