#!/usr/bin/env bash
# Diagnostics of the Kubernetes target: each tests/kube/diagnostics/NAME.stack
# is built with `-t kubernetes` (or the command in NAME.args, where @OUT@
# stands for a fresh folder) and must print exactly NAME.stderr; fail_ cases
# must exit non-zero, the others zero. STACKC_UPDATE_GOLDEN=1 rewrites the
# .stderr files.
# Usage: tests/kube/diagnostics-test.sh STACKC_BINARY
set -euo pipefail
stackc="${1:?usage: diagnostics-test.sh STACKC_BINARY}"
stackc="$(cd "$(dirname "$stackc")" && pwd)/$(basename "$stackc")"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/diagnostics" && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-kube-diag.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
for stack in "$dir"/*.stack; do
    name="$(basename "$stack" .stack)"
    args=(build -t kubernetes -o @OUT@)
    if [[ -f "$dir/$name.args" ]]; then
        read -r -a args <"$dir/$name.args"
    fi
    out="$tmp/$name"
    command=("${args[0]}" "$name.stack")
    for arg in "${args[@]:1}"; do
        command+=("${arg//@OUT@/$out}")
    done
    status=0
    (cd "$dir" && timeout 60 "$stackc" "${command[@]}" --color=never) >/dev/null 2>"$tmp/stderr" || status=$?
    if [[ "${STACKC_UPDATE_GOLDEN:-}" == 1 ]]; then
        cp "$tmp/stderr" "$dir/$name.stderr"
    fi
    problem=""
    if [[ "$name" == fail_* && "$status" -eq 0 ]]; then
        problem="fail_ cases must exit non-zero"
    elif [[ "$name" != fail_* && "$status" -ne 0 ]]; then
        problem="exits $status, but only fail_ cases may fail"
    elif [[ "$status" -gt 2 ]]; then
        problem="stackc crashed (exit $status)"
    elif [[ ! -f "$dir/$name.stderr" ]]; then
        problem="missing $name.stderr; create it with STACKC_UPDATE_GOLDEN=1 ctest --test-dir build -R kube.diagnostics"
    elif ! cmp -s "$tmp/stderr" "$dir/$name.stderr"; then
        problem="the diagnostics differ (regenerate with STACKC_UPDATE_GOLDEN=1 ctest --test-dir build -R kube.diagnostics):
$(diff "$dir/$name.stderr" "$tmp/stderr" || true)"
    fi
    if [[ -n "$problem" ]]; then
        echo "FAIL $name: $problem"
        failed=$((failed + 1))
    else
        echo "ok   $name"
        passed=$((passed + 1))
    fi
done
echo
echo "$passed passed, $failed failed"
((failed == 0))
