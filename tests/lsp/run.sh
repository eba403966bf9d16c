#!/usr/bin/env bash
# End-to-end test of the language server: runs lsp-client.mjs, a language
# client on the pinned vscode-jsonrpc (installed outside the repo by
# install.sh), against `STACKC_BINARY lsp`.
#
#   tests/lsp/run.sh STACKC_BINARY
#
# Environment: STACKC_TEST_CACHE, as for install.sh.
# Exit status: the client's (0 when every case passed, 1 otherwise, 2 on
# usage errors or missing tools).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:?usage: tests/lsp/run.sh STACKC_BINARY}"

if ! command -v node >/dev/null 2>&1; then
    echo "lsp/run.sh: node not found (run scripts/setup-deps.sh)" >&2
    exit 2
fi
cache="$("$here/install.sh" | tail -n 1)"
NODE_PATH="$cache/node_modules" exec node "$here/lsp-client.mjs" "$binary"
