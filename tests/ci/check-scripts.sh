#!/usr/bin/env bash
# Every shell block of the three CI files of every ci-* golden tree
# (tests/golden/ci-*/expected: Jenkinsfile, .github/workflows/*.yml,
# .gitlab-ci.yml) must parse (`sh -n`, or `bash -n` for GitHub's bash) and be
# clean under shellcheck at its strictest severity, style, in the dialect
# that runs it (sh for Jenkins and GitLab, bash for GitHub), with
# check-unassigned-uppercase on: shell-blocks.py declares, at the top of each
# block, only the variables the CI system sets for it, so a variable that
# nothing sets is a finding. Findings are reported at their line in the CI
# file.
# Usage: tests/ci/check-scripts.sh GOLDEN_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:?usage: check-scripts.sh GOLDEN_DIR}"
golden="$(cd "$golden" && pwd)"
if ! command -v shellcheck >/dev/null 2>&1; then
    echo "check-scripts: shellcheck not found (run scripts/setup-deps.sh)" >&2
    exit 2
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-ci-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

bad=0
if ! python3 "$here/shell-blocks.py" "$golden" "$tmp/blocks" >"$tmp/findings"; then
    while IFS= read -r finding; do
        echo "check-scripts: FAIL $finding"
        bad=$((bad + 1))
    done <"$tmp/findings"
fi
[[ -f "$tmp/blocks/blocks" ]] || exit 1

# map_line BLOCK ROW: the line of the CI file that ROW of BLOCK comes from
# (past the end: the block's last line).
map_line() {
    local mapped
    mapped="$(sed -n "${2}p" "$tmp/blocks/${1%.sh}.map")"
    [[ -n "$mapped" ]] || mapped="$(tail -n 1 "$tmp/blocks/${1%.sh}.map")"
    printf '%s' "$mapped"
}

declare -A source what
sh_blocks=()
bash_blocks=()
total=0
while IFS=$'\t' read -r block dialect file description; do
    total=$((total + 1))
    source[$block]="$file"
    what[$block]="$description"
    if ! out="$("$dialect" -n "$tmp/blocks/$block" 2>&1)"; then
        echo "check-scripts: FAIL $file ($description): $dialect -n"
        # "N.sh: 5:" (dash) or "N.sh: line 5:" (bash): the line in the CI file.
        while IFS= read -r line; do
            if [[ "$line" =~ ^.*/[0-9]+\.sh:\ (line\ )?([0-9]+):\ (.*)$ ]]; then
                line="$file:$(map_line "$block" "${BASH_REMATCH[2]}"): ${BASH_REMATCH[3]}"
            fi
            echo "    $line"
        done <<<"$out"
        bad=$((bad + 1))
        continue
    fi
    if [[ "$dialect" == sh ]]; then
        sh_blocks+=("$block")
    else
        bash_blocks+=("$block")
    fi
done <"$tmp/blocks/blocks"

# Then the shellcheck tool, one process per dialect (it is slow to start);
# each finding at its line in the CI file.
report() {
    local dialect="$1" line block row col rest mapped
    shift
    (($# > 0)) || return 0
    (cd "$tmp/blocks" && shellcheck --shell="$dialect" --severity=style --enable=check-unassigned-uppercase \
        --format=gcc "$@") >"$tmp/shellcheck-$dialect" 2>&1 && return 0
    declare -A failed_blocks=()
    while IFS= read -r line; do
        if [[ "$line" =~ ^([0-9]+\.sh):([0-9]+):([0-9]+):\ (.*)$ ]]; then
            block="${BASH_REMATCH[1]}" row="${BASH_REMATCH[2]}" col="${BASH_REMATCH[3]}" rest="${BASH_REMATCH[4]}"
            mapped="$(map_line "$block" "$row")"
            echo "check-scripts: FAIL ${source[$block]}:$mapped:$col (${what[$block]}): $rest"
            echo "    $(sed -n "${row}p" "$tmp/blocks/$block")"
            failed_blocks[$block]=1
        else
            echo "check-scripts: shellcheck: $line"
            failed_blocks[unknown]=1
        fi
    done <"$tmp/shellcheck-$dialect"
    echo "${#failed_blocks[@]}" >"$tmp/failed-$dialect"
}
report sh "${sh_blocks[@]}"
report bash "${bash_blocks[@]}"
for dialect in sh bash; do
    if [[ -f "$tmp/failed-$dialect" ]]; then
        bad=$((bad + $(cat "$tmp/failed-$dialect")))
    fi
done
echo "check-scripts: $total shell block(s) of $(find "$golden" -path '*/ci-*/expected' -maxdepth 2 | wc -l) golden tree(s), $bad failed"
((total > 0 && bad == 0))
