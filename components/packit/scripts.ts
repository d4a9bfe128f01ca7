// Shell scripts of the Jobs and CronJobs. They take everything variable from env, so the text is stable and
// a change of schedule or namespace does not show up as a script change.

/**
 * Re-imports every ImageStream tag: the production maintenance window. `oc import-image` without `--from`
 * reads the tag's own spec, so a pinned digest stays pinned and only a moving tag (`:prod`) advances.
 */
export const IMPORT_IMAGES_SCRIPT = [
    "set -eu",
    "for stream in $IMAGE_STREAMS; do",
    '  oc import-image "$stream:$IMAGE_TAG" -n "$NAMESPACE"',
    "done",
    "",
].join("\n");

/**
 * The sandbox clean-up: finished (Succeeded/Failed) pods older than POD_MAX_AGE_HOURS, then claims no pod
 * mounts that are older than PVC_GRACE_MINUTES (sandcastle creates a claim before its pod). Claims this program
 * manages (the repository caches) carry `app.kubernetes.io/managed-by=pulumi` and are never touched.
 */
export const SANDBOX_CLEANUP_SCRIPT = [
    "set -euo pipefail",
    "now=$(date +%s)",
    "pod_cutoff=$((now - POD_MAX_AGE_HOURS * 3600))",
    "pvc_cutoff=$((now - PVC_GRACE_MINUTES * 60))",
    'oc get pods -n "$SANDBOX_NAMESPACE" \\',
    "  -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase} {.metadata.creationTimestamp}{\"\\n\"}{end}' |",
    "while read -r name phase created; do",
    '  case "$phase" in Succeeded|Failed) ;; *) continue ;; esac',
    '  if [ "$(date -d "$created" +%s)" -lt "$pod_cutoff" ]; then',
    '    oc delete pod -n "$SANDBOX_NAMESPACE" "$name" --wait=false',
    "  fi",
    "done",
    'mounted=$(oc get pods -n "$SANDBOX_NAMESPACE" \\',
    "  -o jsonpath='{range .items[*]}{range .spec.volumes[*]}{.persistentVolumeClaim.claimName}{\"\\n\"}{end}{end}')",
    'oc get pvc -n "$SANDBOX_NAMESPACE" -l "app.kubernetes.io/managed-by!=pulumi" \\',
    "  -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.creationTimestamp}{\"\\n\"}{end}' |",
    "while read -r name created; do",
    '  [ -n "$name" ] || continue',
    '  if printf "%s\\n" "$mounted" | grep -qxF "$name"; then continue; fi',
    '  if [ "$(date -d "$created" +%s)" -lt "$pvc_cutoff" ]; then',
    '    oc delete pvc -n "$SANDBOX_NAMESPACE" "$name" --wait=false',
    "  fi",
    "done",
    "",
].join("\n");

/**
 * Copies the database from the old major version's server to the new one. The new server must be empty (a
 * restore into a used database would mix data); the restore runs in one transaction, so a failed attempt
 * leaves it empty and the Job can simply retry.
 */
export const POSTGRES_COPY_SCRIPT = [
    "set -euo pipefail",
    'for host in "$OLD_HOST" "$NEW_HOST"; do',
    '  until pg_isready -q -h "$host"; do echo "waiting for $host"; sleep 5; done',
    "done",
    'tables=$(psql -h "$NEW_HOST" -tAc "select count(*) from information_schema.tables where table_schema = \'public\'")',
    'if [ "$tables" != "0" ]; then',
    '  echo "$NEW_HOST already has $tables tables; refusing to restore over them" >&2',
    "  exit 1",
    "fi",
    'pg_dump -h "$OLD_HOST" --format=custom --no-owner --no-acl |',
    '  pg_restore -h "$NEW_HOST" --dbname="$PGDATABASE" --no-owner --no-acl --single-transaction --exit-on-error',
    'echo "copied $PGDATABASE from $OLD_HOST to $NEW_HOST"',
    "",
].join("\n");
