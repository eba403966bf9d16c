#!/usr/bin/env bash
# Installs the pinned npm packages used by the Kubernetes validators
# (kubernetes-models, yaml, @kubernetes/client-node; see kubernetes/package.json)
# into a cache folder outside the repo, beside the Compose tools of install.sh.
#
#   STACKC_TEST_CACHE   cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test);
#                       the packages go to its kubernetes/ subfolder
#
# Warm runs are instant: nothing is done when the lock file of the last
# successful install equals the repo's lock file.
# Prints the install folder on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}/kubernetes"
pinned="$here/kubernetes"

if ! command -v npm >/dev/null 2>&1; then
    echo "install-kubernetes.sh: npm not found (run scripts/setup-deps.sh first)" >&2
    exit 1
fi

mkdir -p "$cache"
# One install at a time: tests running in parallel may all ask for it.
exec 9>"$cache/.install.lock"
flock 9

stamp="$cache/.installed-package-lock.json"
if [[ -f "$stamp" && -d "$cache/node_modules/kubernetes-models" ]] &&
    cmp -s "$pinned/package-lock.json" "$stamp" &&
    cmp -s "$pinned/package.json" "$cache/package.json"; then
    echo "install-kubernetes.sh: npm packages up to date in $cache"
    echo "$cache"
    exit 0
fi

echo "install-kubernetes.sh: installing npm packages into $cache"
# The stamp is written only after a successful 'npm ci', so an interrupted
# or failed install is redone on the next run.
rm -f "$stamp"
cp "$pinned/package.json" "$pinned/package-lock.json" "$cache/"
(
    cd "$cache"
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error </dev/null
)
cp "$pinned/package-lock.json" "$stamp"
echo "install-kubernetes.sh: installed npm packages into $cache"
echo "$cache"
