#!/usr/bin/env bash
# usage: bash e2e/bench-up.sh [<parallel>...]   (docs/develop/measuring.md)
# The local stack to Ready twice on the e2e's kwok cluster: `kubectl apply --server-side` of the render, then the
# real engine's `pulumi up` of the same stack, each on a fresh cluster, once per `pulumi up --parallel` value (0: the
# engine's default). It runs the e2e's own checks (e2e/local.e2e.ts), so what is timed is what the e2e proves, and
# prints the phases those checks time. Measured, never asserted: wall time depends on what else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# The titles of the e2e checks, as mocha's --grep (a regular expression over full titles).
checks='\(a\) server-side apply|\(b\) every Deployment and StatefulSet becomes Ready|pulumi up creates every object of the render|a second pulumi preview --expect-no-changes passes'
phases='first apply|readiness \(every workload|engine: pulumi up \(local\)|engine: readiness|engine: preview'
for parallel in "${@:-0}"; do
  echo "== pulumi up --parallel ${parallel} (0: the engine's default)"
  E2E_ENGINE_PARALLEL=$parallel npm run -s e2e -- e2e/local.e2e.ts --grep "$checks" 2>&1 \
    | grep -E "^\s*\[e2e\] ($phases)[^:]*: [0-9.]+ s$|SKIPPED|missing in|passing|failing" || true
done
