#!/usr/bin/env bash
# Every script of every Kubernetes golden tree
# (tests/golden/*/expected/kube/deploy/*.sh) must parse (`bash -n`) and be
# clean under the shellcheck tool at its strictest severity, style: free of
# errors and warnings, and of info and style notes too.
# Usage: tests/kube/check-scripts.sh GOLDEN_DIR
set -euo pipefail
golden="${1:?usage: check-scripts.sh GOLDEN_DIR}"
if ! command -v shellcheck >/dev/null 2>&1; then
    echo "check-scripts: shellcheck not found (run scripts/setup-deps.sh)" >&2
    exit 2
fi
mapfile -t scripts < <(find "$golden" -path '*/expected/kube/deploy/*' -name '*.sh' | sort)
if ((${#scripts[@]} == 0)); then
    echo "check-scripts: no generated scripts under $golden" >&2
    exit 1
fi
bad=0
for script in "${scripts[@]}"; do
    if ! head -n 1 "$script" | grep -qx '#!/usr/bin/env bash'; then
        echo "check-scripts: FAIL $script: the first line is not #!/usr/bin/env bash"
        bad=$((bad + 1))
        continue
    fi
    if ! out="$(bash -n "$script" 2>&1)"; then
        echo "check-scripts: FAIL $script: bash -n"
        printf '%s\n' "$out" | sed 's/^/    /'
        bad=$((bad + 1))
        continue
    fi
    if ! out="$(shellcheck --shell=bash --severity=style "$script" 2>&1)"; then
        echo "check-scripts: FAIL $script: shellcheck"
        printf '%s\n' "$out" | sed 's/^/    /'
        bad=$((bad + 1))
        continue
    fi
    echo "check-scripts: ok $script"
done
echo "check-scripts: ${#scripts[@]} script(s), $bad failed"
((bad == 0))
