#!/usr/bin/env bash
# Runs the generated pipelines without a CI system, Docker or a cluster. For
# every CI golden tree (tests/golden/ci-*/expected) and each of its three
# files (Jenkinsfile, .github/workflows/*.yml, .gitlab-ci.yml),
# run-pipeline.py runs the commands stage by stage as that CI system would
# (see its header), in a copy of the tree where the deploy scripts the
# pipeline calls (kube/deploy/*.sh, ecs/deploy/*.sh) are recorders
# (deploy-script.sh; the real scripts are tested by kube.scripts and
# ecs.scripts), with the fakes of tests/ci/fake-bin (docker, docker-compose,
# kubectl, aws, git) first on PATH and, beside them, only coreutils, sh,
# bash, sed and grep (a GitLab job also without what its image lacks). The
# fakes record every call, and fail where the real tools would: Compose
# when a variable the test environment requires is unset (at `down` too),
# docker login when no password comes on stdin. events.py turns the record
# into the steps of a deployment, which each test checks:
#
#   - on the deploy branch: every stage succeeds, in the order compose build,
#     compose run, compose down, docker login, build, push, migrate, deploy
#     (as the golden has them), all three files the same steps; one TAG
#     everywhere (git rev-parse --short HEAD; GitLab's CI_COMMIT_SHORT_SHA);
#     every registry password reaches docker login on stdin and no password
#     appears in any command's arguments; the Jenkins Compose project has
#     EXECUTOR_NUMBER in it; the deploy scripts run where kubectl (or aws)
#     is, with a KUBECONFIG file (or AWS keys), every secret the real script
#     needs (its secrets.env.example, when the tree has one), and at least
#     the variables the Jenkinsfile gives them
#   - a failing test suite stops the pipeline before docker login, and the
#     test stage's teardown still runs
#   - a failing migration stops the deploy
#   - on another branch and on a pull request, only the test stage runs, and
#     it succeeds (the teardown included); one of the two runs the tests
#
# Usage: tests/ci/pipeline-test.sh GOLDEN_DIR
# Every run is bounded by `timeout`. The runs go in a few batches side by
# side, one Python process each; most of the time is the processes the
# pipelines start (about 30 a run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:?usage: pipeline-test.sh GOLDEN_DIR}"
golden="$(cd "$golden" && pwd)"
python="$(python3 -c 'import sys; print(sys.executable)')"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-ci-pipeline.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# A copy, so that the fakes run even from a checkout that lost their mode,
# with bash's path in their first line (one process less per call).
fakes="$tmp/fake-bin"
cp -R "$here/fake-bin" "$fakes"
bash_path="$(command -v bash)"
for fake in "$fakes"/*; do
    [[ -L "$fake" ]] || sed -i "1s|^#!/usr/bin/env bash\$|#!$bash_path|" "$fake"
done
chmod +x "$fakes"/*
# The commands a pipeline may use besides the fakes.
tools="$tmp/tools"
mkdir -p "$tools"
for tool in sh bash env cat printf echo od tr head tail cut wc sort uniq tee mkdir rm cp mv ln chmod \
    touch date sleep dirname basename mktemp true false test '[' id uname ls cmp expr seq base64 \
    realpath readlink pwd stat sha256sum md5sum timeout yes nproc sed grep; do
    path="$(PATH=/usr/local/bin:/usr/bin:/bin command -v "$tool" 2>/dev/null || true)"
    if [[ "$path" == /* ]]; then
        ln -s "$path" "$tools/$tool"
    fi
done

shopt -s nullglob
cases=("$golden"/ci-*/expected)
shopt -u nullglob
if ((${#cases[@]} == 0)); then
    echo "pipeline-test: no ci-* golden trees under $golden" >&2
    exit 1
fi

passed=0
failed=0
runs=0
current=""
root=""
result=""

pass() {
    passed=$((passed + 1))
    echo "ok   $current"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $current: $*"
    if [[ -n "$root" ]]; then
        echo "  --- stages:"
        sed 's/^/    /' "$root/result" 2>/dev/null || true
        echo "  --- calls:"
        sed 's/^/    /' "$root/log" 2>/dev/null || true
        if [[ -s "$root/stderr" ]]; then
            echo "  --- stderr:"
            sed 's/^/    /' "$root/stderr"
        fi
        if grep -qE ': not found$|command not found|No such file or directory' "$root/run/transcript" 2>/dev/null; then
            echo "  --- missing commands and files:"
            grep -E '^--- |: not found$|command not found|No such file or directory' "$root/run/transcript" |
                awk '/^--- (output:|exit)/ { next } /^--- / { header = $0; next } !seen[$0]++ { if (header) print header; header = ""; print }' |
                sed 's/^/    /'
        fi
        echo "  --- transcript (last 40 lines of $root/run/transcript):"
        tail -n 40 "$root/run/transcript" 2>/dev/null | sed 's/^/    /' || true
    fi
}

expect() {
    local what="$1"
    shift
    if ! "$@"; then
        fail "$what"
        return 1
    fi
}

# plan FILE SCENARIO [FAKE_NAME=VALUE...]: adds a run of the pipeline of
# FILE (relative to the template $tpl) in SCENARIO to the batch; sets $run_id.
plan() {
    local file="$1" scenario="$2"
    shift 2
    runs=$((runs + 1))
    run_id=$runs
    local dir="$tmp/runs/$run_id" assignment words
    mkdir -p "$dir/fake"
    : >"$dir/log"
    words=(--file "$tpl/$file" --workspace "$tpl" --scenario "$scenario" --tmp "$dir/run"
        --path "$fakes:$tools" --result "$dir/result" --errors "$dir/stderr"
        --set "FAKE_LOG=$dir/log" --set "FAKE_DIR=$dir/fake")
    for assignment in "$@"; do
        words+=(--set "$assignment")
    done
    words+=("${ci_variables[@]}")
    # One run a line, its options separated by tabs.
    (
        IFS=$'\t'
        printf '%s\n' "${words[*]}"
    ) >>"$tmp/batch"
}

# use RUN_ID: the checks that follow look at that run. Everything is read
# into arrays here, and the checks use builtins only (a process per check
# was most of this test's time).
use() {
    root="$tmp/runs/$1"
    ev=() calls=() stage_lines=() ran=()
    [[ -f "$root/run/events" ]] && mapfile -t ev <"$root/run/events"
    [[ -f "$root/log" ]] && mapfile -t calls <"$root/log"
    [[ -f "$root/result" ]] && mapfile -t stage_lines <"$root/result"
    result="no result (the run did not finish)"
    local line kind stage status
    for line in "${stage_lines[@]}"; do
        IFS=$'\t' read -r kind stage status <<<"$line"
        if [[ "$kind" == pipeline ]]; then
            result="$stage"
        elif [[ "$status" != skipped ]]; then
            ran+=("$stage:$status")
        fi
    done
    if [[ -s "$root/stderr" ]]; then
        local err
        IFS= read -r -d '' err <"$root/stderr" || true
        result="error: ${err%$'\n'}"
    fi
}

result_is() { [[ "$result" == "$1" ]]; }
result_is_not() { [[ "$result" != "$1" ]]; }
has_event() {
    local e
    for e in "${ev[@]}"; do
        [[ "${e%% *}" == "$1" ]] && return 0
    done
    return 1
}
lacks_events() {
    local k
    for k in "$@"; do
        if has_event "$k"; then
            return 1
        fi
    done
}
all_stages_succeeded() {
    local line
    for line in "${stage_lines[@]}"; do
        [[ "$line" != stage$'\t'* || "$line" == *$'\t'success ]] || return 1
    done
}
ran_count() { [[ ${#ran[@]} -le "$1" ]]; }

# The steps after the first of kind $1, their kinds, space-separated.
kinds_after() {
    local e seen=0 out=""
    for e in "${ev[@]}"; do
        if ((seen)); then
            out+="${e%% *} "
        elif [[ "${e%% *}" == "$1" ]]; then
            seen=1
        fi
    done
    printf '%s' "$out"
}

# The steps, with what differs between CI systems (the Compose project,
# the tag $1) replaced, so that the three files can be compared.
normalized_events() {
    local e words
    for e in "${ev[@]}"; do
        read -ra words <<<"$e"
        if [[ "${words[0]}" == compose-* ]]; then
            words[1]=PROJECT
        fi
        e="${words[*]}"
        e="${e//:$1/:TAG}"
        e="${e% "$1"}"
        [[ "${words[-1]}" == "$1" ]] && e+=" TAG"
        printf '%s\n' "$e"
    done
}

# Order: compose build < run < down < login < build/push < migrate < deploy,
# and each image pushed after it is built.
in_order() {
    local e kind rank last=-1 prev="" words built=" " bad=0
    for e in "${ev[@]}"; do
        read -ra words <<<"$e"
        kind="${words[0]}"
        case "$kind" in
            compose-build) rank=0 ;;
            compose-run) rank=1 ;;
            compose-down) rank=2 ;;
            login) rank=3 ;;
            build | push) rank=4 ;;
            migrate) rank=5 ;;
            deploy) rank=6 ;;
            *)
                echo "  unexpected step: $e"
                bad=1
                continue
                ;;
        esac
        if ((rank < last)); then
            echo "  out of order: $e after $prev"
            bad=1
        fi
        if [[ "$kind" == build ]]; then
            built+="${words[*]:1} "
        elif [[ "$kind" == push && "$built" != *" ${words[1]} "* ]]; then
            echo "  pushed before it was built: ${words[1]}"
            bad=1
        fi
        last=$rank
        prev="$e"
    done
    ((bad == 0))
}

same_tag_everywhere() {
    local e words word bad=0
    for e in "${ev[@]}"; do
        read -ra words <<<"$e"
        case "${words[0]}" in
            build | push)
                for word in "${words[@]:1}"; do
                    if [[ "${word##*:}" != "$1" ]]; then
                        echo "  $e: the tag is not $1"
                        bad=1
                    fi
                done
                ;;
            migrate | deploy)
                if [[ "${words[2]:-}" != "$1" ]]; then
                    echo "  $e: the tag is not $1"
                    bad=1
                fi
                ;;
        esac
    done
    ((bad == 0))
}

compose_projects() {
    local e words out=" "
    for e in "${ev[@]}"; do
        read -ra words <<<"$e"
        if [[ "${words[0]}" == compose-* && "$out" != *" ${words[1]} "* ]]; then
            out+="${words[1]} "
        fi
    done
    printf '%s' "$out"
}
one_compose_project() {
    local p
    p="$(compose_projects)"
    read -ra p <<<"$p"
    ((${#p[@]} <= 1))
}
compose_project_has() { [[ "$(compose_projects)" == *"$1"* ]]; }

# Why Compose failed, when it did.
compose_failure() {
    local c
    for c in "${calls[@]}"; do
        if [[ "$c" =~ ^(.*)\ \(failed:\ (.*)\)$ ]]; then
            printf ' (Compose failed: %s: %s)' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
            return 0
        fi
    done
}

# Every docker login got its password on stdin, a fake secret, not the user name.
password_on_stdin() {
    local c logins=0 password passwords=()
    for c in "${calls[@]}"; do
        if [[ "$c" == "docker login "* ]]; then
            [[ "$c" == *"(password on stdin)" ]] || return 1
            logins=$((logins + 1))
        fi
    done
    [[ -f "$root/fake/login-passwords" ]] && mapfile -t passwords <"$root/fake/login-passwords"
    ((logins > 0 && ${#passwords[@]} == logins)) || return 1
    for password in "${passwords[@]}"; do
        [[ "$password" == fake-* ]] || return 1
        for c in "${calls[@]}"; do
            [[ "$c" != "docker login "*" $password "* ]] || return 1
        done
    done
}

no_password_in_arguments() {
    local c bad=0
    local secret='fake-[A-Za-z0-9_]*(TOKEN|PASSWORD|SECRET|PSW|KEY|PASS)[A-Za-z0-9_]*'
    for c in "${calls[@]}"; do
        if [[ "$c" =~ $secret ]]; then
            echo "  $c"
            bad=1
        fi
    done
    ((bad == 0))
}

# Checks what every deploy script that ran got from the pipeline: kubectl
# and a KUBECONFIG file (kube/) or aws and AWS keys (ecs/), the secrets its
# secrets.env.example lists (but for migrate.sh), and at least the
# variables the Jenkinsfile gives it.
check_script_env() {
    local label="$1" line script rest vars kubeconfig name var missing
    [[ -f "$root/fake/script-env" ]] || return 0
    while IFS= read -r line; do
        script="${line%% env:*}"
        rest="${line#* env:}"
        vars=" ${rest%% kubeconfig:*} "
        rest="${rest##* kubeconfig:}"
        kubeconfig="${rest%% missing:*}"
        missing="${rest##* missing:}"
        name="${script##*/}"
        if [[ -n "$missing" ]]; then
            fail "$script runs where there is no $missing"
            return 1
        fi
        case "$script" in
            *kube/deploy/*)
                if [[ "$kubeconfig" != file:fake-* ]]; then
                    fail "$script gets no KUBECONFIG file from the pipeline (KUBECONFIG: $kubeconfig)"
                    return 1
                fi
                ;;
            *ecs/deploy/*)
                for var in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; do
                    if [[ "$vars" != *" $var "* ]]; then
                        fail "$script gets no $var from the pipeline"
                        return 1
                    fi
                done
                ;;
        esac
        if [[ "$name" != migrate.sh && -f "$tpl/${script%/*}/secrets.env.example" ]]; then
            while IFS= read -r var; do
                [[ "$var" =~ ^([A-Z0-9_]+)=$ ]] || continue
                if [[ "$vars" != *" ${BASH_REMATCH[1]} "* ]]; then
                    fail "$script needs ${BASH_REMATCH[1]} (secrets.env.example) and the pipeline does not set it"
                    return 1
                fi
            done <"$tpl/${script%/*}/secrets.env.example"
        fi
        if [[ "$label" == jenkins ]]; then
            jenkins_env[$case_name/$script]="$vars"
        elif [[ -n "${jenkins_env[$case_name/$script]:-}" ]]; then
            local lacking=""
            for var in ${jenkins_env[$case_name/$script]}; do
                [[ "$vars" == *" $var "* ]] || lacking+=" $var"
            done
            if [[ -n "$lacking" ]]; then
                fail "$script gets$lacking in the Jenkinsfile but not here"
                return 1
            fi
        fi
    done <"$root/fake/script-env"
}
declare -A jenkins_env

# Per case: its template tree, and what its files mention.
declare -A case_tpl case_mentions

# prepare_case EXPECTED_DIR: a template tree with recorders for the deploy
# scripts, then every run of its three files added to the batch.
prepare_case() {
    local dir="$1" name file
    name="$(basename "$(dirname "$dir")")"
    local case_tmp="$tmp/cases/$name"
    tpl="$case_tmp/tree"
    mkdir -p "$case_tmp"
    cp -R "$dir" "$tpl"
    local files=() workflow
    workflow=("$tpl"/.github/workflows/*.yml)
    for file in Jenkinsfile "${workflow[0]#"$tpl"/}" .gitlab-ci.yml; do
        if [[ -f "$tpl/$file" ]]; then
            files+=("$file")
        else
            missing+=("$name: $file is missing")
        fi
    done
    case_tpl[$name]="$tpl"
    ((${#files[@]} > 0)) || return 0
    # The deploy scripts the pipelines call become recorders.
    local script
    while IFS= read -r script; do
        mkdir -p "$tpl/$(dirname "$script")"
        cp "$here/deploy-script.sh" "$tpl/$script"
        chmod +x "$tpl/$script"
    done < <(grep -ohE '[A-Za-z0-9_./-]*\b(kube|ecs)/deploy/[A-Za-z0-9_.-]+\.sh' "${files[@]/#/$tpl/}" | sort -u)
    # GitLab reads credentials from CI/CD variables: those the Jenkinsfile
    # binds (file credentials as variables of type File). Protected ones:
    # only pipelines of the deploy branch get them.
    ci_variables=()
    if [[ -f "$tpl/Jenkinsfile" ]]; then
        mapfile -t ci_variables < <("$python" - "$tpl/Jenkinsfile" "$here/extract-steps.py" <<'PY'
import importlib.util, sys
sys.dont_write_bytecode = True
spec = importlib.util.spec_from_file_location("extract_steps", sys.argv[2])
ex = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ex)
try:
    data = ex.extract(sys.argv[1])
except ex.ExtractError:
    sys.exit(0)
seen = set()
for cred in data["credentials"]:
    for role, var in (cred.get("types") or {v: v for v in cred["variables"]}).items():
        if var not in seen:
            seen.add(var)
            print("--ci-file-variable" if role == "file" else "--ci-variable")
            print(var)
PY
        )
    fi
    local mentions=""
    if grep -q 'docker build' "${files[@]/#/$tpl/}"; then mentions+=" build"; fi
    if grep -q '/deploy/migrate\.sh' "${files[@]/#/$tpl/}"; then mentions+=" migrate"; fi
    if grep -qE 'compose .*run ' "${files[@]/#/$tpl/}"; then mentions+=" test"; fi
    case_mentions[$name]="$mentions "

    for file in "${files[@]}"; do
        plan "$file" deploy
        planned+=("$run_id $name $file deploy")
        if [[ "$mentions" == *" test"* ]]; then
            plan "$file" deploy FAKE_FAIL_COMPOSE_RUN=1
            planned+=("$run_id $name $file failing-test")
        fi
        if [[ "$mentions" == *" migrate"* ]]; then
            plan "$file" deploy FAKE_FAIL_SCRIPTS=migrate.sh
            planned+=("$run_id $name $file failing-migration")
        fi
        for scenario in branch pr; do
            if [[ "$file" == .gitlab-ci.yml ]]; then
                # Protected variables are not given to other branches.
                local saved=("${ci_variables[@]}")
                ci_variables=()
                plan "$file" "$scenario"
                ci_variables=("${saved[@]}")
            else
                plan "$file" "$scenario"
            fi
            planned+=("$run_id $name $file $scenario")
        done
    done
}

label_of() {
    case "$1" in
        Jenkinsfile) label=jenkins ;;
        .gitlab-ci.yml) label=gitlab ;;
        *) label=github ;;
    esac
}

check_deploy() {
    local name="$1" label="$2" mentions="$3" tag=c0ffee1
    [[ "$label" == gitlab ]] && tag=c0ffee1d
    current="$name $label: on the deploy branch, every stage in order with one tag"
    if expect "the pipeline succeeds (got: $result)" result_is success &&
        expect "every stage runs and succeeds" all_stages_succeeded &&
        expect "the steps are in order" in_order &&
        expect "one TAG ($tag) for every image and script" same_tag_everywhere "$tag" &&
        expect "it deploys" has_event deploy &&
        { [[ "$mentions" != *" build "* ]] || expect "it logs in, builds and pushes" has_event push; } &&
        { [[ "$mentions" != *" build "* ]] || expect "every registry password comes on stdin" password_on_stdin; } &&
        { [[ "$mentions" != *" migrate "* ]] || expect "it migrates" has_event migrate; } &&
        { [[ "$mentions" != *" test "* ]] || expect "it tests first" has_event compose-run; } &&
        expect "one Compose project for build, run and down" one_compose_project &&
        { [[ "$label" != jenkins || "$mentions" != *" test "* ]] ||
            expect "the Compose project has EXECUTOR_NUMBER in it (builds on one agent do not collide)" \
                compose_project_has 3; } &&
        expect "no password in any command's arguments" no_password_in_arguments &&
        check_script_env "$label"; then
        if [[ "$label" == jenkins ]]; then
            normalized_events "$tag" >"$case_tmp/reference-steps"
            pass
        elif [[ ! -f "$case_tmp/reference-steps" ]]; then
            pass
        elif ! diff -u "$case_tmp/reference-steps" <(normalized_events "$tag") >"$case_tmp/steps.diff"; then
            fail "the steps differ from the Jenkinsfile's:"
            sed 's/^/    /' "$case_tmp/steps.diff"
        else
            pass
        fi
    fi
}

check_failing_test() {
    current="$1 $2: a failing test suite stops the pipeline; the teardown still runs"
    local after_run
    after_run="$(kinds_after compose-run)"
    if expect "the pipeline fails (got: $result)" result_is failure &&
        expect "the tests ran" has_event compose-run &&
        expect "the teardown runs after them, and nothing else (after the run: $after_run)$(compose_failure)" \
            test "$after_run" = "compose-down " &&
        expect "nothing is pushed, migrated or deployed" lacks_events login build push migrate deploy; then
        pass
    fi
}

check_failing_migration() {
    current="$1 $2: a failing migration stops the deploy"
    if expect "the pipeline fails (got: $result)" result_is failure &&
        expect "it migrates" has_event migrate &&
        expect "it does not deploy" lacks_events deploy; then
        pass
    fi
}

check_not_deploying() {
    local name="$1" label="$2" mentions="$3" scenario="$4" where="another branch"
    [[ "$scenario" == pr ]] && where="a pull request"
    current="$name $label: on $where, only the test stage runs"
    if expect "the simulation runs ($result)" test "${result%%:*}" != error &&
        expect "the pipeline does not fail (got: $result)" result_is_not failure &&
        expect "nothing is pushed, migrated or deployed" lacks_events login build push migrate deploy &&
        expect "at most one stage runs (got: ${ran[*]})" ran_count 1 &&
        { ((${#ran[@]} == 0)) || [[ "$mentions" != *" test "* ]] ||
            expect "the stage that runs is the tests (got: ${ran[*]})" has_event compose-run; } &&
        { ! has_event compose-run || expect "the teardown runs$(compose_failure)" has_event compose-down; }; then
        pass
    fi
    if has_event compose-run; then
        tested[$name/$label]=1
    fi
}

start=$SECONDS
missing=()
planned=()
: >"$tmp/batch"
for dir in "${cases[@]}"; do
    prepare_case "$dir"
done

# The runs, in a few batches side by side (one Python process per batch:
# starting one per run was most of the time).
jobs="$(nproc 2>/dev/null || echo 2)"
((jobs > 4)) && jobs=4
per=$(((runs + jobs - 1) / jobs))
((per > 0)) || per=1
split -l "$per" -d "$tmp/batch" "$tmp/batch."
pids=()
for batch in "$tmp"/batch.*; do
    timeout 280 env -i PATH="$tools" HOME="$tmp" LANG=C.UTF-8 \
        "$python" "$here/run-pipeline.py" --batch "$batch" >"$batch.out" 2>&1 &
    pids+=($!)
done
for pid in "${pids[@]}"; do
    wait "$pid" || true
done
run_time=$((SECONDS - start))
for batch in "$tmp"/batch.*.out; do
    if [[ -s "$batch" ]]; then
        echo "pipeline-test: run-pipeline.py --batch said:"
        sed 's/^/    /' "$batch"
    fi
done

for message in "${missing[@]}"; do
    current="${message%%:*}"
    root=""
    fail "${message#*: }"
done
declare -A tested
for entry in "${planned[@]}"; do
    read -r id name file what <<<"$entry"
    label_of "$file"
    case_name="$name"
    case_tmp="$tmp/cases/$name"
    tpl="${case_tpl[$name]}"
    mentions="${case_mentions[$name]}"
    use "$id"
    case "$what" in
        deploy) check_deploy "$name" "$label" "$mentions" ;;
        failing-test) check_failing_test "$name" "$label" ;;
        failing-migration) check_failing_migration "$name" "$label" ;;
        branch | pr) check_not_deploying "$name" "$label" "$mentions" "$what" ;;
    esac
    if [[ "$what" == pr && "$mentions" == *" test "* ]]; then
        current="$name $label: the tests run for a change before it reaches the deploy branch"
        root=""
        if [[ -n "${tested[$name/$label]:-}" ]]; then
            pass
        else
            fail "neither a push to another branch nor a pull request runs the tests"
        fi
    fi
done
echo
echo "$passed passed, $failed failed ($runs pipeline runs in $jobs batches: ${run_time}s; checks: $((SECONDS - start - run_time))s)"
((failed == 0))
