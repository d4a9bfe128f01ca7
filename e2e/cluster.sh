#!/usr/bin/env bash
# e2e/cluster.sh — a local Kubernetes control plane for the e2e tests, made of the binaries that e2e/tools.sh built:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + the kwok controller (kwokctl --runtime binary).
# No container runtime, no image pulls, no kubelet: kwok plays the nodes, so Deployments/StatefulSets become Ready and
# Job pods complete without any container running. Everything listens on 127.0.0.1 only.
#
#   bash e2e/cluster.sh start   create the cluster (idempotent: a healthy running cluster is kept), add a fake node,
#                               a default StorageClass with a pool of pre-made PersistentVolumes, and the CRDs in
#                               e2e/crds/ (OpenShift Route and ImageStream stand-ins)
#   bash e2e/cluster.sh stop    delete the cluster and every process it started (also after a half-failed start)
#   bash e2e/cluster.sh env     print the KUBECONFIG path (export KUBECONFIG=$(bash e2e/cluster.sh env))
#   bash e2e/cluster.sh status  show the component processes and nodes
#
# Settings: E2E_CACHE (default ~/.cache/runbooks-e2e), E2E_CLUSTER_NAME (default runbooks-e2e),
#           E2E_PV_CLASSES (storage classes to pre-provision PVs for; default "standard", the default class),
#           E2E_PV_COUNT (PVs per class; default 30).
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$E2E_DIR/versions.env"

E2E_CACHE=${E2E_CACHE:-$HOME/.cache/runbooks-e2e}
BIN=$E2E_CACHE/bin
NAME=${E2E_CLUSTER_NAME:-runbooks-e2e}
export KWOK_WORKDIR=$E2E_CACHE/kwok
CLUSTER_DIR=$KWOK_WORKDIR/clusters/$NAME
KUBECONFIG_PATH=$CLUSTER_DIR/kubeconfig.yaml
CONFIG=$KWOK_WORKDIR/$NAME.config.yaml
# kwokctl adds/removes a context in this file (instead of ~/.kube/config); tests use the cluster's own kubeconfig.
CONTEXTS_KUBECONFIG=$KWOK_WORKDIR/contexts.kubeconfig.yaml
PV_CLASSES=${E2E_PV_CLASSES:-standard}
export KUBECACHEDIR=${KUBECACHEDIR:-$E2E_CACHE/kube-cache}
PV_COUNT=${E2E_PV_COUNT:-30}

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

require_tools() {
  local b missing=()
  for b in kwokctl kwok etcd kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [[ -x $BIN/$b ]] || missing+=("$b")
  done
  [[ ${#missing[@]} == 0 ]] || die "missing in $BIN: ${missing[*]} — run 'bash e2e/tools.sh kwok etcd kubernetes' first"
}

# PIDs of this cluster's component processes: one of our binaries (etcd, kube-*, kwok; kwokctl runs them through links
# in the cluster directory) whose command line names this cluster's directory. Found from /proc, so it also catches components left behind by a crashed or half-done start.
cluster_pids() {
  local d pid exe
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    exe=$(readlink "$d/exe" 2>/dev/null) || continue
    case $exe in
      "$BIN"/etcd|"$BIN"/kube-apiserver|"$BIN"/kube-controller-manager|"$BIN"/kube-scheduler|"$BIN"/kwok) ;;
      "$CLUSTER_DIR"/bin/*) ;; # kwokctl links the binaries into the cluster directory

      *) continue ;;
    esac
    if tr '\0' '\n' < "$d/cmdline" 2>/dev/null | grep -qF -- "$CLUSTER_DIR/"; then echo "$pid"; fi
  done
}

healthy() {
  [[ -f $KUBECONFIG_PATH ]] && kubectl_ get --raw /readyz >/dev/null 2>&1
}

write_config() {
  mkdir -p "$KWOK_WORKDIR"
  cat > "$CONFIG" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: $KUBERNETES_VERSION
  etcdVersion: ${ETCD_VERSION#v}
  kwokVersion: $KWOK_VERSION
  cacheDir: $KWOK_WORKDIR/cache
  kubeApiserverBinary: $BIN/kube-apiserver
  kubeControllerManagerBinary: $BIN/kube-controller-manager
  kubeSchedulerBinary: $BIN/kube-scheduler
  kubectlBinary: $BIN/kubectl
  kwokControllerBinary: $BIN/kwok
  etcdBinary: $BIN/etcd
  disableKubeScheduler: false
  disableKubeControllerManager: false
  kubeAuthorization: true
EOF
  # Extra kwok configuration documents (e.g. a ClusterExec answering kubectl exec with a local command).
  if [[ -n ${E2E_KWOK_EXTRA_CONFIG:-} ]]; then
    printf -- '---\n' >> "$CONFIG"
    cat "$E2E_KWOK_EXTRA_CONFIG" >> "$CONFIG"
  fi
}

# One fake node with room for everything the program deploys. kwok manages nodes with this annotation; its default
# stages make the node Ready, make pods Running/Ready, complete pods owned by Jobs and finish deletions.
apply_node() {
  kubectl_ apply -f - <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake
  labels:
    beta.kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
spec: {}
status:
  allocatable: {cpu: "256", memory: 1Ti, pods: "1000", ephemeral-storage: 10Ti}
  capacity: {cpu: "256", memory: 1Ti, pods: "1000", ephemeral-storage: 10Ti}
  nodeInfo:
    architecture: amd64
    bootID: ""
    containerRuntimeVersion: ""
    kernelVersion: ""
    kubeProxyVersion: fake
    kubeletVersion: fake
    machineID: ""
    operatingSystem: linux
    osImage: ""
    systemUUID: ""
  phase: Running
EOF
}

# No volume provisioner runs here, so PersistentVolumeClaims are bound by the PV controller to pre-made volumes.
apply_storage() {
  local cls i first=1 docs=""
  for cls in $PV_CLASSES; do
    docs+="---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $cls
  annotations:
    storageclass.kubernetes.io/is-default-class: \"$([[ $first == 1 ]] && echo true || echo false)\"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Delete
"
    first=0
    for ((i = 0; i < PV_COUNT; i++)); do
      docs+="---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: e2e-$cls-$i
  labels: {e2e.runbooks/pool: \"$cls\"}
spec:
  storageClassName: $cls
  capacity: {storage: 1Ti}
  accessModes: [ReadWriteOnce, ReadOnlyMany, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /nonexistent/e2e-$cls-$i}
"
    done
  done
  printf '%s' "$docs" | kubectl_ apply -f - >/dev/null
}

cmd_start() {
  require_tools
  local t0=$SECONDS
  if healthy; then
    log "cluster $NAME is already running (KUBECONFIG=$KUBECONFIG_PATH)"
    echo "$KUBECONFIG_PATH"
    return 0
  fi
  if [[ -d $CLUSTER_DIR ]] || [[ -n $(cluster_pids) ]]; then
    log "leftovers of cluster $NAME found: cleaning up first"
    cmd_stop
  fi
  write_config
  # From here on a failure tears down whatever was started.
  # shellcheck disable=SC2154 # rc is assigned by the trap text itself, which shellcheck reads apart from its use
  trap 'rc=$?; if [[ $rc != 0 ]]; then log "start failed (exit $rc): stopping what was started"; cmd_stop || true; fi' EXIT
  log "creating cluster $NAME (Kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) in $CLUSTER_DIR"
  "$BIN/kwokctl" create cluster --name "$NAME" --config "$CONFIG" --runtime binary --kubeconfig "$CONTEXTS_KUBECONFIG" --wait 3m

  local i
  for ((i = 0; i < 60; i++)); do healthy && break; sleep 1; done
  healthy || die "kube-apiserver did not become ready"

  apply_node
  apply_storage
  kubectl_ apply -f "$E2E_DIR/crds/" >/dev/null
  kubectl_ wait --for condition=established --timeout=60s \
    crd/routes.route.openshift.io crd/imagestreams.image.openshift.io >/dev/null
  kubectl_ wait --for condition=Ready --timeout=60s node/kwok-node-0 >/dev/null
  # The default ServiceAccount is made asynchronously by the controller manager; pods need it.
  for ((i = 0; i < 60; i++)); do kubectl_ -n default get serviceaccount default >/dev/null 2>&1 && break; sleep 1; done

  # Everything must listen on loopback only.
  local bad
  bad=$(listeners | awk '$1 !~ /^127\.0\.0\.1:/ && $1 !~ /^\[::1\]:/' || true)
  [[ -z $bad ]] || die "a component listens beyond loopback: $bad"

  trap - EXIT
  log "cluster $NAME ready in $((SECONDS - t0))s; KUBECONFIG=$KUBECONFIG_PATH"
  echo "$KUBECONFIG_PATH"
}

# local listening addresses of this cluster's processes
listeners() {
  local pids
  pids=$(cluster_pids | paste -sd'|' -)
  [[ -n $pids ]] || return 0
  ss -Hltnp 2>/dev/null | grep -E "pid=($pids)," | awk '{print $4}' | sort -u
}

cmd_stop() {
  local t0=$SECONDS
  if [[ -x $BIN/kwokctl && -d $CLUSTER_DIR ]]; then
    log "deleting cluster $NAME"
    "$BIN/kwokctl" delete cluster --name "$NAME" --kubeconfig "$CONTEXTS_KUBECONFIG" || log "kwokctl delete failed; cleaning up by hand"
  fi
  local pids pid i
  pids=$(cluster_pids)
  if [[ -n $pids ]]; then
    log "stopping leftover processes: $(echo $pids)"
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    for ((i = 0; i < 20; i++)); do [[ -z $(cluster_pids) ]] && break; sleep 0.5; done
    for pid in $(cluster_pids); do kill -9 "$pid" 2>/dev/null || true; done
  fi
  rm -rf "$CLUSTER_DIR"
  [[ -z $(cluster_pids) ]] || die "processes of cluster $NAME are still running: $(cluster_pids | paste -sd' ' -)"
  log "cluster $NAME stopped in $((SECONDS - t0))s"
}

cmd_status() {
  local pids
  pids=$(cluster_pids | paste -sd, -)
  if [[ -z $pids ]]; then echo "cluster $NAME: not running"; return 0; fi
  ps -o pid,etime,rss,args -p "$pids" | cut -c1-200
  echo "listening: $(listeners | paste -sd' ' -)"
  healthy && kubectl_ get nodes -o wide || true
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) echo "$KUBECONFIG_PATH" ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
