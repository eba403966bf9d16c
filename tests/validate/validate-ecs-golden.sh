#!/usr/bin/env bash
# Checks every ECS JSON file the golden tests pin with the AWS CLI's own
# validation against the real service model, against a local moto server
# (see validate_ecs.py for what runs):
#
#   validate-ecs-golden.sh GOLDEN_DIR
#   validate-ecs-golden.sh --expect-invalid FILE...
#
# The server binds 127.0.0.1 on a free port, with fake credentials and a
# temporary HOME; tests/ecs/moto.sh stops it on exit, and it stops itself
# after MOTO_LIFETIME seconds whatever happens.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../ecs/moto.sh
. "$here/../ecs/moto.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/stackc-validate-ecs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export MOTO_LIFETIME="${MOTO_LIFETIME:-540}"
# validate_ecs.py runs the CLI in its own process: no fork server for `aws`.
export MOTO_AWS_SERVER=0
# moto_start keeps the trap above and stops the server before it runs.
moto_start

if [[ "${1:-}" == "--expect-invalid" ]]; then
    python3 "$here/validate_ecs.py" "$@"
else
    python3 "$here/validate_ecs.py" "${1:?usage: validate-ecs-golden.sh GOLDEN_DIR}" "$work"
fi
