#!/usr/bin/env bash
# npm run e2e — the local stack against a real kube-apiserver (e2e/local.e2e.ts). One run at a time per cache; the
# cluster is stopped on every exit (the mocha after hook does it too; this trap covers a crash or an interrupt).
set -euo pipefail
cd "$(dirname "$0")/.."
export E2E_CACHE=${E2E_CACHE:-$HOME/.cache/runbooks-e2e}
export E2E_CLUSTER_NAME=${E2E_CLUSTER_NAME:-runbooks-e2e-local}
BIN=$E2E_CACHE/bin

missing=()
for b in pulumi kubectl kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwokctl; do
  [[ -x $BIN/$b ]] || missing+=("$b")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "[e2e] missing in $BIN: ${missing[*]} — run: npm run e2e:tools" >&2
  exit 1
fi

exec 8>"$E2E_CACHE/.e2e-$E2E_CLUSTER_NAME.lock"
if ! flock -n 8; then echo "[e2e] another e2e run uses cluster $E2E_CLUSTER_NAME: waiting" >&2; flock -w 900 8; fi

# Every temporary file of the run (stack copy, rendered manifests with the TEST secrets) goes below one directory.
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/runbooks-e2e-run.XXXXXX")
cleanup() {
  bash e2e/cluster.sh stop >/dev/null 2>&1 || bash e2e/cluster.sh stop || true
  [[ ${E2E_KEEP:-} == 1 ]] || rm -rf "$E2E_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
# Every e2e file unless the arguments name some: mocha adds a config's spec to the files given, so it has none.
spec=("e2e/**/*.e2e.ts")
for a in "$@"; do [[ $a == *.e2e.ts ]] && spec=(); done
TMPDIR=$E2E_TMP npx mocha --config e2e/mocharc.json "${spec[@]}" "$@"
echo "[e2e] done in $((SECONDS - t0)) s"
