#!/usr/bin/env bash
# Installs the pinned npm tools used by the validators into a cache folder
# outside the repo: dclint (it ships the compose-spec JSON schema) from
# package.json here, and the Kubernetes and CI validators' packages
# (install-kubernetes.sh, install-ci.sh) in subfolders.
#
#   STACKC_TEST_CACHE   install folder
#                       (default: ${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test)
#
# Prints the install folder on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}"

# The Kubernetes and CI installers report on stderr, so stdout still ends
# with this folder.
"$here/install-kubernetes.sh" >&2
"$here/install-ci.sh" >&2
"$here/npm-install-pinned.sh" install.sh "$here" "$cache" dclint
