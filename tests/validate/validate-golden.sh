#!/usr/bin/env bash
# Runs the independent Compose validators over every Compose file that a
# golden test pins. Usage: validate-golden.sh GOLDEN_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:?usage: validate-golden.sh GOLDEN_DIR}"
mapfile -t files < <(find "$golden" -path '*/expected/*' -name 'docker-compose*.yml' | sort)
if ((${#files[@]} == 0)); then
    echo "validate-golden: no Compose files under $golden" >&2
    exit 1
fi
bash "$here/validate-compose.sh" "${files[@]}"
echo "validate-golden: ${#files[@]} Compose files valid"
