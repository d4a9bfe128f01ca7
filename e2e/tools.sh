#!/usr/bin/env bash
# e2e/tools.sh — build (first run) or reuse (later runs) the real Pulumi engine, its provider plugins and a local
# Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok), all from Go
# modules, into a cache directory outside the work tree.
#
#   bash e2e/tools.sh [TOOL...]       TOOL: pulumi langhost kwok etcd kubernetes
#                                            provider-kubernetes provider-random provider-command provider-openstack
#                                     (default: all, then the plugin install step)
#
# Cache layout ($E2E_CACHE, default ${HOME}/.cache/runbooks-e2e):
#   bin/          pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs, kube-*, kubectl, etcd, kwok, kwokctl
#   providers/    pulumi-resource-{kubernetes,random,command,openstack} (kept off PATH on purpose)
#   pulumi-home/  PULUMI_HOME with the provider plugins installed (plugins/resource-NAME-vX.Y.Z/)
#   src/<tool>/   wrapper Go modules used for each build;  logs/<tool>.log  full build output
#   stamps/<tool> what the installed binaries were built from; a tool is rebuilt when it differs
#   go/pkg/mod, go-build   GOMODCACHE and GOCACHE (kept here so that the whole toolchain is one deletable directory)
#
# A tool is reused when all its binaries exist and its stamp matches versions.env (+ the recipe revision below).
# Exit status is non-zero if any tool failed to build; the summary says which and where its log is.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$E2E_DIR/.." && pwd)
# shellcheck source=versions.env
source "$E2E_DIR/versions.env"

# Bump when a build recipe changes, to force a rebuild of that tool.
declare -A RECIPE=(
  [pulumi]=1 [langhost]=1 [kwok]=1 [etcd]=1 [kubernetes]=1
  [provider-kubernetes]=1 [provider-random]=1 [provider-command]=1 [provider-openstack]=1
)

E2E_CACHE=${E2E_CACHE:-$HOME/.cache/runbooks-e2e}
BIN=$E2E_CACHE/bin
PROVIDERS=$E2E_CACHE/providers
SRC=$E2E_CACHE/src
STAMPS=$E2E_CACHE/stamps
LOGS=$E2E_CACHE/logs
export PULUMI_HOME=$E2E_CACHE/pulumi-home

log() { printf '[tools %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

case "$E2E_CACHE/" in "$REPO_DIR"/*) die "E2E_CACHE ($E2E_CACHE) must be outside the work tree ($REPO_DIR)";; esac
command -v go >/dev/null || die "go is not on PATH (Go >= $E2E_GO_MIN is needed)"

export GOPATH=$E2E_CACHE/go
export GOMODCACHE=$GOPATH/pkg/mod
export GOCACHE=$E2E_CACHE/go-build
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"
export GOWORK=off
GOVERSION=$(go env GOVERSION)
[[ $(printf '%s\n%s\n' "go$E2E_GO_MIN" "$GOVERSION" | sort -V | head -n1) == "go$E2E_GO_MIN" ]] ||
  die "$GOVERSION is too old: Kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION and kwok $KWOK_VERSION need Go >= $E2E_GO_MIN"

mkdir -p "$BIN" "$PROVIDERS" "$SRC" "$STAMPS" "$LOGS" "$PULUMI_HOME"

# One tools.sh at a time per cache directory.
exec 9>"$E2E_CACHE/.tools.lock"
if ! flock -n 9; then log "another tools.sh is using $E2E_CACHE: waiting for it"; flock 9; fi

# ---------------------------------------------------------------------------------------------------------------
# Cross-check the pinned provider versions against the program's package-lock.json (when it exists).
check_lockfile() {
  local lock=$REPO_DIR/package-lock.json
  [[ -f $lock ]] || { log "no package-lock.json in $REPO_DIR: skipping the npm version cross-check"; return 0; }
  command -v node >/dev/null || { log "node not found: skipping the npm version cross-check"; return 0; }
  local out
  out=$(node -e '
    const lock = require(process.argv[1]);
    const want = JSON.parse(process.argv[2]);
    const pk = lock.packages || {};
    let bad = 0;
    for (const [name, v] of Object.entries(want)) {
      const e = pk["node_modules/" + name] || (lock.dependencies || {})[name];
      if (!e) { console.log("WARN " + name + " is not in package-lock.json (pinned here: " + v + ")"); continue; }
      if (e.version !== v) { console.log("MISMATCH " + name + ": package-lock.json has " + e.version + ", e2e/versions.env builds " + v); bad++; }
      else console.log("ok " + name + "@" + v);
    }
    process.exit(bad ? 3 : 0);
  ' "$lock" "{\"@pulumi/pulumi\":\"$PULUMI_VERSION\",\"@pulumi/kubernetes\":\"$KUBERNETES_PROVIDER_VERSION\",\"@pulumi/random\":\"$RANDOM_PROVIDER_VERSION\",\"@pulumi/command\":\"$COMMAND_PROVIDER_VERSION\",\"@pulumi/openstack\":\"$OPENSTACK_PROVIDER_VERSION\"}") || {
    printf '%s\n' "$out" | sed 's/^/[tools] /'
    die "package-lock.json and e2e/versions.env disagree: the SDK would ask the engine for a plugin version that is not built. Align them (and update the provider commits in versions.env)."
  }
  printf '%s\n' "$out" | sed 's/^/[tools] lockfile: /'
}

# ---------------------------------------------------------------------------------------------------------------
# helpers used inside builders (they run in a subshell with set -e, output to logs/<tool>.log)

# mod_info MOD@VER FIELD -> Dir, Version, Hash (source commit) or Time of a module version (downloading it if needed).
# Hash/Time come from the proxy's .info record; Hash is empty when the proxy did not record the origin.
mod_info() {
  local json info
  json=$(go mod download -json "$1") || { echo "$json" >&2; return 1; }
  case $2 in
    Hash|Time)
      info=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",\{0,1\}$/\1/p' | head -n1)
      [[ -f $info ]] && grep -o "\"$2\":\"[^\"]*\"" "$info" | head -n1 | cut -d'"' -f4
      return 0 ;;
  esac
  printf '%s\n' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\\{0,1\\}\$/\\1/p" | head -n1
}

# new_wrapper DIR MODULE_NAME : fresh wrapper module directory (keeps nothing from a previous attempt but the dir)
new_wrapper() {
  rm -rf "$1"; mkdir -p "$1"
  printf 'module %s\n\ngo 1.26.0\n' "$2" > "$1/go.mod"
}

# check_commit MOD@VER WANT_HASH
check_commit() {
  local got
  got=$(mod_info "$1" Hash)
  if [[ -n $got && $got != "$2" ]]; then
    echo "ERROR: $1 resolves to commit $got, expected $2" >&2; return 1
  fi
  echo "$1 -> commit ${got:-unknown (proxy gave no origin)}"
}

# install_bins OUTDIR DEST bin... : move freshly built binaries into place
install_bins() {
  local out=$1 dest=$2; shift 2
  local b
  for b in "$@"; do
    [[ -x $out/$b ]] || { echo "ERROR: $out/$b was not produced" >&2; return 1; }
    chmod 0755 "$out/$b" && mv -f "$out/$b" "$dest/$b"   # same filesystem: an atomic rename, no second copy
  done
}

# ---------------------------------------------------------------------------------------------------------------
# builders

build_pulumi() {
  local d=$SRC/pulumi
  new_wrapper "$d" e2e.local/pulumi-cli
  cd "$d"
  check_commit "$PULUMI_PKG_MODULE@v$PULUMI_VERSION" "$PULUMI_COMMIT"
  go mod edit -require="$PULUMI_PKG_MODULE@v$PULUMI_VERSION" -require="$PULUMI_SDK_MODULE@v$PULUMI_VERSION" \
    -replace="github.com/atotto/clipboard=$PULUMI_CLIPBOARD_REPLACE"
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o out/pulumi "$PULUMI_PKG_MODULE/cmd/pulumi"
  # The dynamic-provider shim that the CLI release ships beside `pulumi` (used by pulumi.dynamic.Resource).
  local sdkdir
  sdkdir=$(mod_info "$PULUMI_SDK_MODULE@v$PULUMI_VERSION" Dir)
  install -m 0755 "$sdkdir/nodejs/dist/pulumi-resource-pulumi-nodejs" out/pulumi-resource-pulumi-nodejs
  ./out/pulumi version
  install_bins out "$BIN" pulumi pulumi-resource-pulumi-nodejs
}

build_kwok() {
  local d=$SRC/kwok
  new_wrapper "$d" e2e.local/kwok
  cd "$d"
  go mod edit -require="sigs.k8s.io/kwok@$KWOK_VERSION"
  go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBERNETES_VERSION#v}" \
    -o out/ sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
  ./out/kwokctl --version
  install_bins out "$BIN" kwok kwokctl
}

build_etcd() {
  local d=$SRC/etcd
  new_wrapper "$d" e2e.local/etcd
  cd "$d"
  local sha
  sha=$(mod_info "go.etcd.io/etcd/server/v3@$ETCD_VERSION" Hash)
  go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  cat > main.go <<'EOF'
// Command etcd is the upstream etcd server main (go.etcd.io/etcd/server/v3/etcdmain), built for the e2e tests.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  go mod tidy
  go build -trimpath -ldflags "-s -w${sha:+ -X go.etcd.io/etcd/api/v3/version.GitSHA=${sha:0:12}}" -o out/etcd .
  ./out/etcd --version
  install_bins out "$BIN" etcd
}

build_kubernetes() {
  local d=$SRC/kubernetes
  new_wrapper "$d" e2e.local/kubernetes
  cd "$d"
  local kmod=k8s.io/kubernetes@$KUBERNETES_VERSION kdir hash btime minor
  kdir=$(mod_info "$kmod" Dir)
  hash=$(mod_info "$kmod" Hash)
  btime=$(mod_info "$kmod" Time)
  [[ -f $kdir/go.mod ]] || { echo "ERROR: cannot find $kmod in the module cache" >&2; return 1; }
  # k8s.io/kubernetes pins its staging modules at v0.0.0 with ./staging replaces: repeat them as published versions.
  local args=(-require="$kmod")
  local m
  while read -r m; do
    args+=(-replace="$m=$m@$KUBERNETES_STAGING_VERSION")
  done < <(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$kdir/go.mod")
  echo "staging replaces: $(( ${#args[@]} - 1 ))"
  go mod edit "${args[@]}"
  minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitCommit=$hash"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=${btime:-1970-01-01T00:00:00Z}"
  done
  go build -trimpath -ldflags "$ld" -o out/ \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  ./out/kube-apiserver --version
  ./out/kubectl version --client
  install_bins out "$BIN" kube-apiserver kube-controller-manager kube-scheduler kubectl
}

# resolve_commit MOD COMMIT -> canonical version (tag or pseudo-version) of MOD at COMMIT.
# Provider modules are never tagged, so this is how their release commits are addressed (`go get MOD@<hash>`).
resolve_commit() {
  local json ver
  if ! json=$(go mod download -json "$1@$2" 2>&1); then
    printf '%s\n' "$json" >&2
    echo "ERROR: the Go module proxy ($(go env GOPROXY)) does not serve $1 at commit $2." >&2
    echo "       This module is only addressable as a pseudo-version of that commit; a proxy that only serves" >&2
    echo "       versions it already has cached (as the one on these machines does) refuses it with 403." >&2
    return 1
  fi
  ver=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Version": "\(.*\)",\{0,1\}$/\1/p' | head -n1)
  if printf '%s\n' "$json" | grep -q '"Error"'; then printf '%s\n' "$json" >&2; return 1; fi
  [[ -n $ver ]] || { echo "ERROR: no version for $1@$2" >&2; return 1; }
  echo "$ver"
}

build_langhost() {
  local d=$SRC/langhost
  new_wrapper "$d" e2e.local/pulumi-language-nodejs
  cd "$d"
  local ver
  ver=$(resolve_commit "$PULUMI_LANGHOST_MODULE" "$PULUMI_COMMIT")
  echo "$PULUMI_LANGHOST_MODULE@$PULUMI_COMMIT -> $ver"
  go mod edit -require="$PULUMI_LANGHOST_MODULE@$ver" \
    -require="$PULUMI_PKG_MODULE@v$PULUMI_VERSION" -require="$PULUMI_SDK_MODULE@v$PULUMI_VERSION" \
    -replace="github.com/atotto/clipboard=$PULUMI_CLIPBOARD_REPLACE"
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o out/pulumi-language-nodejs "$PULUMI_LANGHOST_MODULE"
  install_bins out "$BIN" pulumi-language-nodejs
}

# build_provider NAME MODULE COMMIT VERSION LDFLAGS_VERSION_VALUE
# Copies the provider module at its release commit into src/provider-NAME and builds it as the main module, so that
# its own go.mod/go.sum (and replace directives) apply exactly as in the upstream release build. Relative replaces
# that point outside the module are repaired: the repo's own sdk module -> its published release tag; random's
# one-line shim module -> recreated.
build_provider() {
  local name=$1 mod=$2 commit=$3 version=$4 vstamp=$5
  local d=$SRC/provider-$name ver mdir
  ver=$(resolve_commit "$mod" "$commit")
  echo "$mod@$commit -> $ver"
  mdir=$(mod_info "$mod@$ver" Dir)
  rm -rf "$d"; mkdir -p "$(dirname "$d")"
  cp -r "$mdir" "$d"; chmod -R u+w "$d"
  cd "$d"
  local old target
  while read -r old target; do
    [[ -e $d/$target ]] && continue
    case $old in
      github.com/pulumi/pulumi-"$name"/sdk*)
        echo "replace $old => $target (not in the module) -> published $old@v$version"
        go mod edit -replace="$old=$old@v$version" ;;
      github.com/terraform-providers/terraform-provider-random/shim)
        echo "recreating $old in $target"
        mkdir -p "$target"
        printf 'module %s\n\ngo 1.21\n' "$old" > "$target/go.mod"
        cat > "$target/shim.go" <<'EOF'
package shim

import (
	tfpf "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/terraform-providers/terraform-provider-random/internal/provider"
)

func NewProvider() tfpf.Provider {
	return provider.New()
}
EOF
        ;;
      *)
        echo "dropping replace $old => $target (not in the module)"
        go mod edit -dropreplace="$old" ;;
    esac
  done < <(go mod edit -json | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of m.Replace || []) if (!r.New.Version) console.log(r.Old.Path + " " + r.New.Path);')
  # Old golang.org/x/tools releases do not compile with Go >= 1.25 (openstack's go 1.21-era graph pulls one in).
  local xt
  xt=$(go list -m -f '{{.Version}}' golang.org/x/tools 2>/dev/null || true)
  if [[ -n $xt ]] && [[ $(printf '%s\n%s\n' "$xt" v0.24.0 | sort -V | head -n1) != v0.24.0 ]]; then
    echo "golang.org/x/tools $xt is too old for $(go env GOVERSION): requiring v0.24.0"
    go get golang.org/x/tools@v0.24.0
  fi
  local cmd=cmd/pulumi-resource-$name
  [[ -d $cmd ]] || { echo "ERROR: $cmd not found in $mod@$ver" >&2; return 1; }
  # Generated files the release build embeds (schema-embed.json, terraform-mapping-embed.json, ...).
  if [[ -f $cmd/generate.go ]] && grep -l -- '-embed.json' "$cmd"/*.go | grep -qv '/generate.go$'; then
    (cd "$cmd" && VERSION=$version go run generate.go)
    ls -la "$cmd"/*-embed.json
  fi
  go build -trimpath -ldflags "-s -w -X $mod/pkg/version.Version=$vstamp" -o out/pulumi-resource-$name "./$cmd"
  install_bins out "$PROVIDERS" "pulumi-resource-$name"
}

build_provider_kubernetes() {
  build_provider kubernetes "$KUBERNETES_PROVIDER_MODULE" "$KUBERNETES_PROVIDER_COMMIT" "$KUBERNETES_PROVIDER_VERSION" "v$KUBERNETES_PROVIDER_VERSION"
}
build_provider_random() {
  build_provider random "$RANDOM_PROVIDER_MODULE" "$RANDOM_PROVIDER_COMMIT" "$RANDOM_PROVIDER_VERSION" "$RANDOM_PROVIDER_VERSION"
}
build_provider_command() {
  build_provider command "$COMMAND_PROVIDER_MODULE" "$COMMAND_PROVIDER_COMMIT" "$COMMAND_PROVIDER_VERSION" "v$COMMAND_PROVIDER_VERSION"
}
build_provider_openstack() {
  build_provider openstack "$OPENSTACK_PROVIDER_MODULE" "$OPENSTACK_PROVIDER_COMMIT" "$OPENSTACK_PROVIDER_VERSION" "$OPENSTACK_PROVIDER_VERSION"
}

# Install each built provider into $PULUMI_HOME/plugins/resource-NAME-vX.Y.Z so that the engine finds exactly the
# version the npm SDK asks for, with automatic plugin acquisition disabled.
install_plugins() {
  [[ -x $BIN/pulumi ]] || { log "plugins: pulumi CLI not built; skipping plugin install"; return 0; }
  local name ver f dir
  for name in kubernetes random command openstack; do
    case $name in
      kubernetes) ver=$KUBERNETES_PROVIDER_VERSION ;; random) ver=$RANDOM_PROVIDER_VERSION ;;
      command) ver=$COMMAND_PROVIDER_VERSION ;; openstack) ver=$OPENSTACK_PROVIDER_VERSION ;;
    esac
    f=$PROVIDERS/pulumi-resource-$name
    dir=$PULUMI_HOME/plugins/resource-$name-v$ver
    if [[ ! -x $f ]]; then
      if [[ -x $dir/pulumi-resource-$name ]]; then
        log "plugins: $name not built here; resource $name v$ver is installed in $PULUMI_HOME (by other means): used as is"
      else
        log "plugins: $name not built here and not installed in $PULUMI_HOME"
      fi
      continue
    fi
    if [[ -x $dir/pulumi-resource-$name && ! -e $dir.partial ]] && cmp -s "$f" "$dir/pulumi-resource-$name"; then
      log "plugins: resource $name v$ver already installed"
      continue
    fi
    log "plugins: installing resource $name v$ver into $PULUMI_HOME"
    PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
      "$BIN/pulumi" plugin install resource "$name" "$ver" --file "$f" --reinstall \
      || { FAILED+=("plugin-$name"); log "plugins: FAILED to install $name"; }
  done
}

# ---------------------------------------------------------------------------------------------------------------
# driver

declare -a SUMMARY=() FAILED=()

# run_tool NAME STAMP_KEY BUILDER DEST BIN...
run_tool() {
  local name=$1 key="$2 recipe=${RECIPE[$1]} $GOVERSION" fn=$3 dest=$4; shift 4
  local have=1 b
  for b in "$@"; do [[ -x $dest/$b ]] || have=0; done
  if [[ $have == 1 && -f $STAMPS/$name && "$(cat "$STAMPS/$name")" == "$key" ]]; then
    log "$name: reusing cached build ($key)"
    SUMMARY+=("$name|reused|0")
    return 0
  fi
  log "$name: building ($key); log: $LOGS/$name.log"
  rm -f "$STAMPS/$name"
  local t0=$SECONDS rc
  set +e
  ( set -euo pipefail; "$fn" ) >"$LOGS/$name.log" 2>&1
  rc=$?
  set -e
  local dt=$((SECONDS - t0))
  if [[ $rc == 0 ]]; then
    printf '%s\n' "$key" > "$STAMPS/$name"
    log "$name: built in ${dt}s"
    SUMMARY+=("$name|built|$dt")
  else
    log "$name: FAILED (exit $rc) after ${dt}s; last lines of $LOGS/$name.log:"
    tail -n 30 "$LOGS/$name.log" | sed 's/^/    /'
    SUMMARY+=("$name|FAILED|$dt")
    FAILED+=("$name")
  fi
}

ALL_TOOLS=(pulumi langhost kwok etcd kubernetes provider-kubernetes provider-random provider-command provider-openstack)
if [[ $# -gt 0 ]]; then TOOLS=("$@"); else TOOLS=("${ALL_TOOLS[@]}"); fi

T0=$SECONDS
log "cache: $E2E_CACHE   go: $GOVERSION"
check_lockfile

for t in "${TOOLS[@]}"; do
  case $t in
    pulumi)     run_tool pulumi "pulumi v$PULUMI_VERSION@$PULUMI_COMMIT" build_pulumi "$BIN" pulumi pulumi-resource-pulumi-nodejs ;;
    kwok)       run_tool kwok "kwok $KWOK_VERSION kube=$KUBERNETES_VERSION" build_kwok "$BIN" kwok kwokctl ;;
    etcd)       run_tool etcd "etcd $ETCD_VERSION" build_etcd "$BIN" etcd ;;
    kubernetes) run_tool kubernetes "kubernetes $KUBERNETES_VERSION staging=$KUBERNETES_STAGING_VERSION" build_kubernetes "$BIN" \
                  kube-apiserver kube-controller-manager kube-scheduler kubectl ;;
    langhost)   run_tool langhost "pulumi-language-nodejs v$PULUMI_VERSION@$PULUMI_COMMIT" build_langhost "$BIN" pulumi-language-nodejs ;;
    provider-kubernetes) run_tool provider-kubernetes "kubernetes v$KUBERNETES_PROVIDER_VERSION@$KUBERNETES_PROVIDER_COMMIT" \
                  build_provider_kubernetes "$PROVIDERS" pulumi-resource-kubernetes ;;
    provider-random) run_tool provider-random "random v$RANDOM_PROVIDER_VERSION@$RANDOM_PROVIDER_COMMIT" \
                  build_provider_random "$PROVIDERS" pulumi-resource-random ;;
    provider-command) run_tool provider-command "command v$COMMAND_PROVIDER_VERSION@$COMMAND_PROVIDER_COMMIT" \
                  build_provider_command "$PROVIDERS" pulumi-resource-command ;;
    provider-openstack) run_tool provider-openstack "openstack v$OPENSTACK_PROVIDER_VERSION@$OPENSTACK_PROVIDER_COMMIT" \
                  build_provider_openstack "$PROVIDERS" pulumi-resource-openstack ;;
    *) die "unknown tool '$t' (known: ${ALL_TOOLS[*]})" ;;
  esac
done

install_plugins

echo
printf '%-22s %-8s %8s\n' TOOL STATUS SECONDS
for row in "${SUMMARY[@]}"; do
  IFS='|' read -r n s dt <<<"$row"
  printf '%-22s %-8s %8s\n' "$n" "$s" "$dt"
done
printf '%-22s %-8s %8s\n' total "" "$((SECONDS - T0))"
echo
if [[ ${#FAILED[@]} -gt 0 ]]; then
  die "failed to build: ${FAILED[*]} (see $LOGS/<tool>.log)"
fi
log "all tools ready in $BIN (PULUMI_HOME=$PULUMI_HOME)"
