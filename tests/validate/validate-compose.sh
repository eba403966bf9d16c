#!/usr/bin/env bash
# Independent validation of Compose files written by stackc.
#
#   tests/validate/validate-compose.sh FILE...
#
# Each FILE gets two checks that do not share code with stackc:
#   1. schema: compose_schema.py against the compose-spec JSON schema shipped by
#      the pinned npm package dclint (installed by install.sh outside the repo);
#   2. config: Debian's docker-compose (1.29) `config -q`, which interpolates
#      variables and checks references (undefined services and volumes,
#      missing env_file and build folders...). It needs no Docker engine.
#
# Variables: when a file `.env.example` sits next to the compose file, every
# NAME it lists (`NAME=` or `NAME=value` lines, `export NAME=...`, `#`
# comments) is set for the config check, to its value in the template or to
# `validation-dummy` when empty, so `${NAME:?message}` interpolations pass.
# docker-compose runs with a clean environment (nothing else leaks in from the
# caller), a temporary HOME and --project-directory set to the compose file's
# folder, so relative paths resolve as for a real deployment and nothing is
# written into the repo.
#
# docker-compose 1.29 predates the top-level `name:` key of the current
# Compose spec; for a file that has one, the config check runs on a temporary
# copy without that line and passes the name with `-p` instead (the schema
# check still checks `name:`). Every other key is given to docker-compose as
# written.
#
# Environment:
#   STACKC_COMPOSE_SCHEMA  schema file to use instead of dclint's copy
#   STACKC_TEST_CACHE      where install.sh installed the npm tools
#   DOCKER_COMPOSE         docker-compose command (default: docker-compose)
#
# Exit status: 0 when every file passes both checks, 1 when any check fails,
# 2 on usage errors or missing tools.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prog="validate-compose"

if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
    echo "usage: tests/validate/validate-compose.sh FILE..." >&2
    exit 2
fi

# Debian's python3 has the jsonschema and yaml modules; another python3 that
# comes first on PATH may not.
if [[ -x /usr/bin/python3 ]]; then
    python=/usr/bin/python3
else
    python=python3
fi

compose="${DOCKER_COMPOSE:-docker-compose}"
if ! command -v "$compose" >/dev/null 2>&1; then
    echo "$prog: $compose not found (run scripts/setup-deps.sh)" >&2
    exit 2
fi
compose="$(command -v "$compose")"

cache="${STACKC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackc-test}"
schema="${STACKC_COMPOSE_SCHEMA:-$cache/node_modules/dclint/schemas/compose.schema.json}"
if [[ ! -f "$schema" && -z "${STACKC_COMPOSE_SCHEMA:-}" ]]; then
    echo "$prog: compose-spec schema missing, running install.sh" >&2
    "$here/install.sh" >&2
fi
if [[ ! -f "$schema" ]]; then
    echo "$prog: compose-spec schema not found: $schema" >&2
    exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-validate.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# Prints NAME=value lines for the variables listed in an env template.
template_vars() {
    local line name value
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%$'\r'}"
        if [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
            name="${BASH_REMATCH[2]}"
            value="${BASH_REMATCH[3]}"
            # Drop a trailing comment after whitespace, then surrounding quotes.
            value="$(sed -E 's/[[:space:]]+#.*$//; s/^[[:space:]]+//; s/[[:space:]]+$//' <<<"$value")"
            if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
                value="${BASH_REMATCH[1]}"
            fi
            printf '%s=%s\n' "$name" "${value:-validation-dummy}"
        fi
    done <"$1"
}

# Runs docker-compose config -q for one file; prints its output.
config_check() {
    local file="$1" dir base project_args=() target="$1" name envs=()
    dir="$(cd "$(dirname "$file")" && pwd)"
    base="$(basename "$file")"
    target="$dir/$base"

    if grep -qE '^name:' "$target"; then
        name="$(sed -nE 's/^name:[[:space:]]*//p' "$target" | head -n 1)"
        name="$(sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//; s/^"(.*)"$/\1/; s/^'"'"'(.*)'"'"'$/\1/' <<<"$name")"
        if [[ -z "$name" ]]; then
            echo "top-level 'name:' must be a plain one-line value for this check"
            return 1
        fi
        mkdir -p "$tmp/copy"
        target="$tmp/copy/$base"
        grep -vE '^name:' "$dir/$base" >"$target"
        project_args=(-p "$name")
    fi

    if [[ -f "$dir/.env.example" ]]; then
        mapfile -t envs < <(template_vars "$dir/.env.example")
    fi

    mkdir -p "$tmp/home"
    (
        cd "$dir"
        env -i \
            PATH="/usr/local/bin:/usr/bin:/bin" \
            HOME="$tmp/home" \
            TMPDIR="$tmp" \
            LANG=C.UTF-8 LC_ALL=C.UTF-8 \
            "${envs[@]}" \
            "$compose" -f "$target" --project-directory "$dir" \
            "${project_args[@]}" config -q
    ) 2>&1
}

# Prints its argument with every line indented.
indent() {
    local line
    while IFS= read -r line; do
        printf '    %s\n' "$line"
    done <<<"$1"
}

checked=0
failed=0
for file in "$@"; do
    checked=$((checked + 1))
    if [[ ! -f "$file" ]]; then
        echo "$prog: FAIL $file: no such file"
        failed=$((failed + 1))
        continue
    fi
    ok=1

    if ! out="$("$python" "$here/compose_schema.py" "$schema" "$file" 2>&1)"; then
        ok=0
        echo "$prog: FAIL $file: compose-spec schema check"
        indent "$out"
    fi

    if ! out="$(config_check "$file")"; then
        ok=0
        echo "$prog: FAIL $file: docker-compose config check"
        indent "$out"
    elif [[ -n "$out" ]]; then
        # Warnings (e.g. an unset variable) do not fail the check, but show.
        echo "$prog: note $file: docker-compose says:"
        indent "$out"
    fi

    if ((ok)); then
        echo "$prog: ok $file"
    else
        failed=$((failed + 1))
    fi
done

echo "$prog: $checked file(s) checked, $failed invalid"
((failed == 0)) || exit 1
