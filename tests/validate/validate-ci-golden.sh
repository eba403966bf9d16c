#!/usr/bin/env bash
# Runs the independent CI validators (validate-ci.sh) over every CI file that
# a golden test pins: Jenkinsfile, .github/workflows/*.yml and .gitlab-ci.yml
# under GOLDEN_DIR/*/expected.
# Usage: validate-ci-golden.sh GOLDEN_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:?usage: validate-ci-golden.sh GOLDEN_DIR}"
mapfile -t files < <(find "$golden" -mindepth 2 -maxdepth 2 -type d -name expected -print0 |
    xargs -0 -r -I{} find {} -type f \( -name Jenkinsfile -o -name .gitlab-ci.yml \
        -o -path '*/.github/workflows/*.yml' -o -path '*/.github/workflows/*.yaml' \) | sort)
if ((${#files[@]} == 0)); then
    echo "validate-ci-golden: no CI files under $golden/*/expected" >&2
    exit 1
fi
bash "$here/validate-ci.sh" "${files[@]}"
echo "validate-ci-golden: ${#files[@]} CI files valid"
