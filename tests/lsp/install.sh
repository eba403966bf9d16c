#!/usr/bin/env bash
# Installs the npm packages pinned by package.json here (vscode-jsonrpc, for
# the language client lsp-client.mjs) into a cache folder outside the repo.
#
#   STACKC_TEST_CACHE   cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test);
#                       the packages go to its lsp/ subfolder
#
# Prints the install folder on the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}/lsp"
"$here/../validate/npm-install-pinned.sh" lsp/install.sh "$here" "$cache" vscode-jsonrpc
