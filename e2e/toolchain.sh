#!/usr/bin/env bash
# npm run e2e:tools — builds (first time) or reuses the pieces of the e2e toolchain that can be built on this
# machine, and says plainly which ones cannot. Everything goes to $E2E_CACHE (default ~/.cache/runbooks-e2e).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=versions.env
source e2e/versions.env
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/runbooks-e2e}

rc=0
bash e2e/tools.sh pulumi kwok etcd kubernetes || rc=$?

# What the engine checks will use, found by their own detection (e2e/engine.ts): a plugin installed into PULUMI_HOME
# by other means (`pulumi plugin install --file`) counts as present, built here or not.
echo
report=$(E2E_CACHE=$E2E_CACHE npx --no-install ts-node --transpile-only e2e/toolchain-report.ts) || rc=$?
printf '%s\n' "$report"
if grep -q ' MISSING ' <<<"$report"; then
  echo
  echo "What is MISSING cannot be built on this machine today: the Go module proxy answers"
  echo "\"403 This module version is not available\" for the language host ($PULUMI_LANGHOST_MODULE) and the"
  echo "provider modules at the commits e2e/versions.env pins. Install them from elsewhere with"
  echo "  pulumi plugin install resource <name> <version> --file <binary>   (into the PULUMI_HOME shown above)"
  echo "or, once the proxy serves them:"
  echo "  bash e2e/tools.sh langhost provider-kubernetes provider-random provider-command provider-openstack"
  echo "npm run e2e tests everything else against the real API server; the skip line above says which engine checks skip."
fi
exit $rc
