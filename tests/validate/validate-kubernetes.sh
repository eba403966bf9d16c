#!/usr/bin/env bash
# Independent validation of Kubernetes manifests written by stackc: runs
# validate-kubernetes.mjs (npm kubernetes-models schemas, removed API
# versions, unknown fields from @kubernetes/client-node, YAML 1.1 parsing)
# with the pinned packages that install-kubernetes.sh puts outside the repo.
#
#   tests/validate/validate-kubernetes.sh FILE...
#       0 when every file is valid, 1 otherwise
#   tests/validate/validate-kubernetes.sh --expect-invalid FILE...
#       0 when every file is rejected (the validator's own test), 1 otherwise
#
# Environment: STACKC_TEST_CACHE, as for install-kubernetes.sh.
# Exit status 2: usage errors or missing tools.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prog="validate-kubernetes"

expect_invalid=0
if [[ "${1:-}" == "--expect-invalid" ]]; then
    expect_invalid=1
    shift
fi
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
    echo "usage: tests/validate/validate-kubernetes.sh [--expect-invalid] FILE..." >&2
    exit 2
fi
if ! command -v node >/dev/null 2>&1; then
    echo "$prog: node not found (run scripts/setup-deps.sh)" >&2
    exit 2
fi

cache="$("$here/install-kubernetes.sh" | tail -n 1)"
modules="$cache/node_modules"

if ((expect_invalid == 0)); then
    exec node "$here/validate-kubernetes.mjs" "$modules" "$@"
fi

# Each file on its own must fail validation, and not for a missing tool.
accepted=0
for file in "$@"; do
    status=0
    out="$(node "$here/validate-kubernetes.mjs" "$modules" "$file")" || status=$?
    case "$status" in
        1) printf '%s: rejected, as expected: %s\n%s\n' "$prog" "$file" "$(grep -v '^validate-kubernetes: ' <<<"$out")" ;;
        0)
            echo "$prog: FAIL $file was accepted, but it is invalid"
            accepted=$((accepted + 1))
            ;;
        *)
            echo "$prog: FAIL the validator could not run on $file (exit $status):"
            echo "$out"
            accepted=$((accepted + 1))
            ;;
    esac
done
echo "$prog: $# invalid file(s), $accepted not rejected"
((accepted == 0))
