#!/usr/bin/env bash
# Usage: check-clusters-reachable.sh STACK
#
# Runs before `pulumi preview` in the pull-request and drift workflows. The Kubernetes provider previews against an
# unreachable cluster as if it were empty (every object a create, no server-side check, no warning), so a preview
# with an expired or wrong kubeconfig would look green. This asks every cluster of the stack's `clusters` section,
# with the stack's own kubeconfig secret (kubeconfig-<cluster>) and context, for /readyz, and fails naming each
# cluster that does not answer. Needs the pulumi CLI (logged in to the stack's backend, passphrase in the
# environment) and kubectl. The kubeconfigs go to a private temporary directory and are never printed.
set -euo pipefail
stack=${1:?usage: check-clusters-reachable.sh STACK}
timeout=${REACH_TIMEOUT:-20s}
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! pulumi config get --stack "$stack" clusters --json >"$tmp/clusters.json" 2>"$tmp/err"; then
  echo "::error::stack $stack: cannot read its clusters section: $(tail -n 1 "$tmp/err")" >&2
  exit 1
fi
# One "<name><TAB><context>" line per cluster (context empty: the kubeconfig's current context).
node -e '
  const entry = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const clusters = entry.objectValue ?? JSON.parse(entry.value);
  for (const [name, c] of Object.entries(clusters)) console.log(`${name}\t${c.context ?? ""}`);
' "$tmp/clusters.json" >"$tmp/list"

failed=()
checked=0
while IFS=$'\t' read -r name context; do
  [[ -n $name ]] || continue
  checked=$((checked + 1))
  kubeconfig=$tmp/kubeconfig-$name
  if ! pulumi config get --stack "$stack" "kubeconfig-$name" >"$kubeconfig" 2>"$tmp/err"; then
    failed+=("$name")
    echo "::error::cluster $name of stack $stack: no kubeconfig (secret kubeconfig-$name): $(tail -n 1 "$tmp/err"). Set it: pulumi config set --stack $stack --secret kubeconfig-$name < kubeconfig.yaml" >&2
    continue
  fi
  args=(--kubeconfig "$kubeconfig" --request-timeout="$timeout")
  [[ -n $context ]] && args+=(--context "$context")
  if kubectl "${args[@]}" get --raw /readyz >/dev/null 2>"$tmp/err"; then
    echo "cluster $name of stack $stack: reachable"
  else
    failed+=("$name")
    echo "::error::cluster $name of stack $stack is not reachable with its kubeconfig (kubeconfig-$name${context:+, context $context}): $(tail -n 1 "$tmp/err"). A preview would show every object as a create. Renew the credentials: pulumi config set --stack $stack --secret kubeconfig-$name < kubeconfig.yaml" >&2
  fi
done <"$tmp/list"

if [[ $checked -eq 0 ]]; then
  echo "::error::stack $stack has no clusters in its clusters section" >&2
  exit 1
fi
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "stack $stack: not reachable: ${failed[*]}; the preview was not run" >&2
  exit 1
fi
