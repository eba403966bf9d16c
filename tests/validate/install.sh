#!/usr/bin/env bash
# Installs the pinned npm tools used by the Compose validators (dclint, which
# ships the compose-spec JSON schema) into a cache folder outside the repo.
#
#   STACKC_TEST_CACHE   install folder
#                       (default: ${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test)
#
# Warm runs are instant: nothing is done when the lock file of the last
# successful install in the cache equals the repo's lock file.
# Prints the install folder on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}"

if ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: npm not found (run scripts/setup-deps.sh first)" >&2
    exit 1
fi

mkdir -p "$cache"

# The Kubernetes validators' packages live in their own folder; their
# installer reports on stderr, so stdout still ends with this folder.
"$here/install-kubernetes.sh" >&2

stamp="$cache/.installed-package-lock.json"
if [[ -f "$stamp" && -d "$cache/node_modules/dclint" ]] &&
    cmp -s "$here/package-lock.json" "$stamp" &&
    cmp -s "$here/package.json" "$cache/package.json"; then
    echo "install.sh: npm tools up to date in $cache"
    echo "$cache"
    exit 0
fi

echo "install.sh: installing npm tools into $cache"
# The stamp is written only after a successful 'npm ci', so an interrupted
# or failed install is redone on the next run.
rm -f "$stamp"
cp "$here/package.json" "$here/package-lock.json" "$cache/"
(
    cd "$cache"
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error </dev/null
)
cp "$here/package-lock.json" "$stamp"
echo "install.sh: installed npm tools into $cache"
echo "$cache"
