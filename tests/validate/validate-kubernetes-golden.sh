#!/usr/bin/env bash
# Runs the independent Kubernetes validators over every manifest that a
# golden test pins (tests/golden/*/expected/kube/**/*.yaml).
# Usage: validate-kubernetes-golden.sh GOLDEN_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:?usage: validate-kubernetes-golden.sh GOLDEN_DIR}"
mapfile -t files < <(find "$golden" -path '*/expected/kube/*' -name '*.yaml' | sort)
if ((${#files[@]} == 0)); then
    echo "validate-kubernetes-golden: no Kubernetes manifests under $golden" >&2
    exit 1
fi
bash "$here/validate-kubernetes.sh" "${files[@]}"
echo "validate-kubernetes-golden: ${#files[@]} Kubernetes manifests valid"
