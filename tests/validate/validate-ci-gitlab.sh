#!/usr/bin/env bash
# Runs gitlab-ci-local (pinned in ci/package.json) over .gitlab-ci.yml files:
# it parses each file as GitLab does (YAML, extends, !reference, rules with
# the pipeline's variables), checks it against GitLab's JSON schema of
# .gitlab-ci.yml and checks stages, needs and dependencies. Each file is
# copied alone into a fresh git repository (gitlab-ci-local reads the branch,
# commit and remote from git) and checked twice (files in parallel):
#   on a push to main, with --list --validate-dependency-chain: the job list
#       (parsing, schema, stages, needs, scripts), and that every job that
#       runs finds the jobs it needs among those that run; then, if that
#       passes,
#   in a merge request pipeline, the same without the schema a second time.
# Nothing runs: no job, no container. gitlab-ci-local gets an empty
# environment with a temporary HOME, and a proxy that refuses connections,
# so it reads no user settings and reaches no network.
#
# Usage: validate-ci-gitlab.sh NODE_MODULES FILE...
# Prints what gitlab-ci-local reports, then one line per file:
#   verdict<TAB>gitlab-ci-local<TAB>ok|invalid<TAB>FILE
# Exit status: 0 when every file is valid, 1 when some file is not, 2 when
# gitlab-ci-local cannot run (missing, or out of time).
set -euo pipefail

modules="${1:?usage: validate-ci-gitlab.sh NODE_MODULES FILE...}"
shift
gcl="$modules/gitlab-ci-local/dist/index.js"
if [[ ! -f "$gcl" ]]; then
    echo "validate-ci-gitlab: $gcl not found (run tests/validate/install-ci.sh)" >&2
    exit 2
fi
if (($# == 0)); then
    echo "usage: validate-ci-gitlab.sh NODE_MODULES FILE..." >&2
    exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-validate-gitlab.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"

# The only things gitlab-ci-local may say on stderr when all is well.
benign='^(parsing and downloads finished in .*|json schema validated in .*|)$'

scenario_args() {
    case "$1" in
        main) echo --list --validate-dependency-chain ;;
        merge-request)
            echo --validate-dependency-chain --json-schema-validation=false \
                --variable CI_PIPELINE_SOURCE=merge_request_event \
                --unset-variable CI_COMMIT_BRANCH --ignore-predefined-vars CI_PIPELINE_SOURCE
            ;;
    esac
}

# gitlab-ci-local FILE_INDEX SCENARIO: one run, its output and status in
# files beside the repository.
run() {
    local repo="$tmp/$1/repo" scenario="$2" status=0
    # shellcheck disable=SC2046 # the scenario's arguments are words
    (cd "$repo" && env -i PATH="$PATH" HOME="$tmp/home" LANG=C.UTF-8 TMPDIR="$tmp" \
        http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
        HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= no_proxy= \
        GIT_CONFIG_NOSYSTEM=1 \
        timeout 120 node "$gcl" $(scenario_args "$scenario") --state-dir ".gitlab-ci-local-$scenario" \
        --color=false >"$tmp/$1/$scenario.out" 2>"$tmp/$1/$scenario.err" </dev/null) || status=$?
    echo "$status" >"$tmp/$1/$scenario.status"
}

git_quiet() { env -i PATH="$PATH" HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1 git -C "$1" "${@:2}" >/dev/null; }

files=("$@")
for i in "${!files[@]}"; do
    repo="$tmp/$i/repo"
    mkdir -p "$repo"
    cp "${files[$i]}" "$repo/.gitlab-ci.yml"
    git_quiet "$repo" init -q -b main
    git_quiet "$repo" config user.name stackc-test
    git_quiet "$repo" config user.email stackc-test@example.invalid
    git_quiet "$repo" add .gitlab-ci.yml
    git_quiet "$repo" commit -q -m "CI file under test"
    git_quiet "$repo" remote add origin https://gitlab.example.invalid/stackc/validate.git
    git_quiet "$repo" update-ref refs/remotes/origin/main HEAD
    git_quiet "$repo" symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main
done

max="$(nproc 2>/dev/null || echo 2)"
# scenario_runs SCENARIO INDEX...: runs a scenario over files, in parallel.
scenario_runs() {
    local scenario="$1" i
    for i in "${@:2}"; do
        while (($(jobs -rp | wc -l) >= max)); do wait -n || true; done
        run "$i" "$scenario" &
    done
    wait
}

# verdict_of INDEX SCENARIO: 0 when the run found nothing, 1 (and its
# report) otherwise; exits 2 when gitlab-ci-local could not run.
verdict_of() {
    local file="${files[$1]}" code out="$tmp/$1/$2.out" err="$tmp/$1/$2.err"
    code="$(cat "$tmp/$1/$2.status")"
    case "$code" in
        0 | 1) ;;
        *)
            echo "validate-ci-gitlab: gitlab-ci-local could not run ($2, exit $code) on $file:" >&2
            cat "$err" >&2
            exit 2
            ;;
    esac
    if [[ "$code" != 0 ]] || grep -Evq "$benign" "$err"; then
        echo "$file: [gitlab-ci-local, $2 pipeline] exit $code:"
        # Without gitlab-ci-local's troubleshooting advice, which names its
        # temporary files.
        grep -Ev "$benign" "$err" | sed '/^For further troubleshooting/,$d; s/^/    /' || true
        grep -v '^$' "$out" | sed 's/^/    /' || true
        return 1
    fi
}

declare -A failed=()
all=("${!files[@]}")
scenario_runs main "${all[@]}"
passed=()
for i in "${all[@]}"; do
    if verdict_of "$i" main; then passed+=("$i"); else failed[$i]=1; fi
done
if ((${#passed[@]} > 0)); then
    scenario_runs merge-request "${passed[@]}"
    for i in "${passed[@]}"; do
        verdict_of "$i" merge-request || failed[$i]=1
    done
fi

status=0
for i in "${all[@]}"; do
    if [[ -n "${failed[$i]:-}" ]]; then
        printf 'verdict\tgitlab-ci-local\tinvalid\t%s\n' "${files[$i]}"
        status=1
    else
        printf 'verdict\tgitlab-ci-local\tok\t%s\n' "${files[$i]}"
    fi
done
exit "$status"
