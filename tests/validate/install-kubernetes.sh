#!/usr/bin/env bash
# Installs the pinned npm packages used by the Kubernetes validators
# (kubernetes-models, yaml, @kubernetes/client-node; see kubernetes/package.json)
# into a cache folder outside the repo, beside the Compose tools of install.sh.
#
#   STACKC_TEST_CACHE   cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test);
#                       the packages go to its kubernetes/ subfolder
#
# Prints the install folder on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}/kubernetes"
"$here/npm-install-pinned.sh" install-kubernetes.sh "$here/kubernetes" "$cache" kubernetes-models
