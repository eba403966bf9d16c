#!/usr/bin/env bash
# Installs the npm packages pinned by PINNED_DIR/package.json and its lock file
# into CACHE_DIR, outside the repo, with `npm ci`. Nothing is done when the lock
# file of the last successful install equals the pinned one and PACKAGE (a
# package the install must provide) is there, so warm runs are instant. One
# install at a time: tests running in parallel may all ask for it.
# Prints CACHE_DIR on the last line of stdout.
#
# Usage: npm-install-pinned.sh NAME PINNED_DIR CACHE_DIR PACKAGE
set -euo pipefail

name="${1:?usage: npm-install-pinned.sh NAME PINNED_DIR CACHE_DIR PACKAGE}"
pinned="${2:?usage: npm-install-pinned.sh NAME PINNED_DIR CACHE_DIR PACKAGE}"
cache="${3:?usage: npm-install-pinned.sh NAME PINNED_DIR CACHE_DIR PACKAGE}"
package="${4:?usage: npm-install-pinned.sh NAME PINNED_DIR CACHE_DIR PACKAGE}"

if ! command -v npm >/dev/null 2>&1; then
    echo "$name: npm not found (run scripts/setup-deps.sh first)" >&2
    exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/.install.lock"
flock 9

stamp="$cache/.installed-package-lock.json"
if [[ -f "$stamp" && -d "$cache/node_modules/$package" ]] &&
    cmp -s "$pinned/package-lock.json" "$stamp" &&
    cmp -s "$pinned/package.json" "$cache/package.json"; then
    echo "$name: npm packages up to date in $cache"
    echo "$cache"
    exit 0
fi

echo "$name: installing npm packages into $cache"
# The stamp is written only after a successful 'npm ci', so an interrupted
# or failed install is redone on the next run.
rm -f "$stamp"
cp "$pinned/package.json" "$pinned/package-lock.json" "$cache/"
(
    cd "$cache"
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error </dev/null
)
cp "$pinned/package-lock.json" "$stamp"
echo "$name: installed npm packages into $cache"
echo "$cache"
