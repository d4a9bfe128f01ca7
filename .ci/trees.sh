#!/usr/bin/env bash
# .ci/trees.sh — check out every upstream tree the program runs, at the commits facts/trees/ records (each record's
# repository, clone URL, trees[].commit and trees[].workdir), into $RUNBOOKS_TREES_DIR (default
# ${XDG_CACHE_HOME:-~/.cache}/runbooks-ci/trees)/<owner>+<name>@<commit>: only the workdir's files, once per commit,
# marked complete last. npm test reads them with their own tools (ansible-playbook --syntax-check, kubectl kustomize)
# and opens no network; nothing of them enters the repository. A tree that cannot be fetched is named, and the tests
# that read it print their SKIPPED line.
set -euo pipefail
cd "$(dirname "$0")/.."
trees=${RUNBOOKS_TREES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/runbooks-ci/trees}
marker=.runbooks-tree-complete
mkdir -p "$trees"
for record in facts/trees/*.yaml; do
  clone=$(sed -n 's/^clone: *//p' "$record")
  [[ -n $clone ]] || continue # a record of requirements, not of a tree
  repository=$(sed -n 's/^repository: *//p' "$record")
  # "<commit> <workdir>" per tree; an empty workdir ("") is the whole tree.
  while read -r commit workdir; do
    workdir=${workdir//\"/}
    dir=$trees/${repository/\//+}@$commit
    [[ -f $dir/$marker ]] && continue
    rm -rf "$dir" "$dir.partial"
    mkdir -p "$dir.partial"
    if git -C "$dir.partial" init -q &&
      git -C "$dir.partial" fetch -q --depth 1 --filter=blob:none "$clone" "$commit" &&
      git -C "$dir.partial" checkout -q FETCH_HEAD -- "${workdir:-.}"; then
      rm -rf "$dir.partial/.git"
      touch "$dir.partial/$marker"
      mv "$dir.partial" "$dir"
      echo "trees: $repository@$commit (${workdir:-whole tree}) checked out"
    else
      rm -rf "$dir.partial"
      echo "trees: could not fetch $repository@$commit from $clone: the tests that read it will skip"
    fi
  done < <(awk '/^  - commit:/{c=$3} /^    workdir:/{print c, $2}' "$record")
done
