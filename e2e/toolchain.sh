#!/usr/bin/env bash
# npm run e2e:tools — builds (first time) or reuses the pieces of the e2e toolchain that can be built on this
# machine, and says plainly which ones cannot. Everything goes to $E2E_CACHE (default ~/.cache/runbooks-e2e).
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=versions.env
source e2e/versions.env
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/runbooks-e2e}

rc=0
bash e2e/tools.sh pulumi kwok etcd kubernetes || rc=$?

absent=()
[[ -x $E2E_CACHE/bin/pulumi-language-nodejs ]] ||
  absent+=("Node.js language host   $PULUMI_LANGHOST_MODULE @ $PULUMI_COMMIT (pulumi v$PULUMI_VERSION)")
for p in KUBERNETES RANDOM COMMAND OPENSTACK; do
  name=${p,,} ver_var=${p}_PROVIDER_VERSION mod_var=${p}_PROVIDER_MODULE commit_var=${p}_PROVIDER_COMMIT
  [[ -x $E2E_CACHE/pulumi-home/plugins/resource-$name-v${!ver_var}/pulumi-resource-$name ]] ||
    absent+=("$name provider ${!ver_var}   ${!mod_var} @ ${!commit_var}")
done
echo
if [[ ${#absent[@]} -gt 0 ]]; then
  echo "NOT BUILT — these cannot be built on this machine: the Go module proxy answers"
  echo "\"403 This module version is not available\" for these modules at the pinned commits:"
  printf '  - %s\n' "${absent[@]}"
  echo "Without the language host and the provider plugins the real engine cannot run this TypeScript program"
  echo "(no pulumi up/preview/refresh/destroy). npm run e2e tests everything else against the real API server"
  echo "and skips the engine checks, naming what is missing. Once the proxy serves them:"
  echo "  bash e2e/tools.sh langhost provider-kubernetes provider-random provider-command provider-openstack"
else
  echo "language host and provider plugins: present in $E2E_CACHE"
fi
exit $rc
