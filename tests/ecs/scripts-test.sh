#!/usr/bin/env bash
# What the generated ECS scripts do with a task's result, which moto cannot
# show (it never runs a container): migrate.sh of the book's stack runs with
# the fake AWS CLI of tests/ecs/fake-bin first on PATH, which answers
# describe-tasks with canned states. A task that exits 0 lets the script go
# on; a non-zero exit code fails it with the code and the reasons on stderr;
# a task that never stops fails it once TASK_TIMEOUT has passed. push.sh
# (with a fake docker and git) migrates before it updates the service, and
# not at all after a failed migration. And up.sh stops before any AWS call
# when a secret's variable or the TAG is missing.
#
# Usage: tests/ecs/scripts-test.sh STACKC SOURCE_DIR
# Every script run is bounded by `timeout`; the whole file takes seconds.
set -euo pipefail

stackc="${1:?usage: scripts-test.sh STACKC SOURCE_DIR}"
source_dir="$(cd "${2:?usage: scripts-test.sh STACKC SOURCE_DIR}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-ecs-scripts.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A copy, so that the fake runs even from a checkout that lost its mode.
fakes="$tmp/fake-bin"
cp -R "$here/fake-bin" "$fakes"
chmod +x "$fakes"/*

tree="$tmp/tree"
"$stackc" build "$source_dir/examples/rails-webapp/webapp.stack" -t ecs --profile production \
    --set tag=built1 -o "$tree" >/dev/null

passed=0
failed=0
current=""
root=""
status=0
elapsed=0

begin() {
    current="$1"
    root="$tmp/$((passed + failed + 1))"
    mkdir -p "$root/fake"
    : >"$root/log"
}

# run [NAME=VALUE...] SCRIPT [ARG...]: runs a generated script with the fake
# first on PATH, a clean environment and at most 60 seconds.
run() {
    local assignments=()
    while [[ $# -gt 0 && "$1" == *=* ]]; do
        assignments+=("$1")
        shift
    done
    local script="$tree/ecs/deploy/$1" start=$SECONDS
    shift
    status=0
    timeout 60 env -i PATH="$fakes:/usr/local/bin:/usr/bin:/bin" HOME="$root" LANG=C.UTF-8 \
        AWS_DEFAULT_REGION=us-east-1 POLL_INTERVAL=0 FAKE_LOG="$root/log" FAKE_DIR="$root/fake" FAKE_ROOT="$tree" \
        "${assignments[@]}" bash "$script" "$@" >"$root/stdout" 2>"$root/stderr" || status=$?
    elapsed=$((SECONDS - start))
}

pass() {
    passed=$((passed + 1))
    echo "ok   $current"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $current: $*"
    echo "  --- calls:"
    sed 's/^/    /' "$root/log"
    echo "  --- stdout:"
    sed 's/^/    /' "$root/stdout"
    echo "  --- stderr:"
    sed 's/^/    /' "$root/stderr"
}

expect() {
    local what="$1"
    shift
    if ! "$@"; then
        fail "$what"
        return 1
    fi
}

status_is() { [[ "$status" -eq "$1" ]]; }
status_is_not() { [[ "$status" -ne "$1" ]]; }
stderr_has() { grep -qF -- "$1" "$root/stderr"; }
stdout_has() { grep -qF -- "$1" "$root/stdout"; }
log_is_empty() { [[ ! -s "$root/log" ]]; }
calls_of() { grep -cxF -- "aws $1" "$root/log" || true; }

# The migration's calls, up to and including its first describe-tasks.
migrate_calls='aws iam get-role
aws ec2 describe-vpcs
aws ec2 describe-subnets
aws ec2 describe-security-groups
aws ecs describe-task-definition
aws ecs register-task-definition
aws ecs run-task
aws ecs describe-tasks'

test_success_continues() {
    begin "migrate.sh: a task that stops with exit code 0 succeeds, after polling until STOPPED"
    run FAKE_TASK_STATES=$'PROVISIONING\t-\tnull\t-\nRUNNING\t-\tnull\t-\nSTOPPED\tEssential container in task exited\t0\t-' \
        migrate.sh e2e1
    expect "exits 0" status_is 0 || return 0
    expect "polls describe-tasks until STOPPED (3 calls)" test "$(calls_of 'ecs describe-tasks')" = 3 || return 0
    expect "the calls come in order" test "$(head -n 8 "$root/log")" = "$migrate_calls" || return 0
    expect "says the task exited 0" stdout_has "task setup exited 0" || return 0
    pass
}

test_failure_fails_loudly() {
    begin "migrate.sh: a non-zero exit code fails the script with the code and the reasons"
    run FAKE_TASK_STATES=$'STOPPED\tEssential container in task exited\t3\tOutOfMemoryError: Container killed due to memory usage' \
        migrate.sh e2e1
    expect "exits non-zero" status_is_not 0 || return 0
    expect "stderr names the exit code" stderr_has "container webapp exit code 3" || return 0
    expect "stderr has the stopped reason" stderr_has "stopped reason: Essential container in task exited" || return 0
    expect "stderr has the container's reason" stderr_has "container reason: OutOfMemoryError" || return 0
    expect "stderr says where the logs are" stderr_has "--log-group-name /ecs/webapp --log-stream-name setup/webapp/0123abcd" ||
        return 0
    pass
}

test_no_exit_code_fails() {
    begin "migrate.sh: a task that stopped before its container ran (no exit code) fails"
    run FAKE_TASK_STATES=$'STOPPED\tCannotPullContainerError: pull access denied\tnull\t-' migrate.sh e2e1
    expect "exits non-zero" status_is_not 0 || return 0
    expect "stderr says there is no exit code" stderr_has "exit code none" || return 0
    expect "stderr has the stopped reason" stderr_has "CannotPullContainerError: pull access denied" || return 0
    pass
}

test_timeout_fails() {
    begin "migrate.sh: a task that does not stop within TASK_TIMEOUT fails"
    run TASK_TIMEOUT=2 FAKE_TASK_STATES=$'RUNNING\t-\tnull\t-' migrate.sh e2e1
    expect "exits non-zero" status_is_not 0 || return 0
    expect "stderr says it did not stop in time" stderr_has "did not stop within 2s (last status: RUNNING)" || return 0
    expect "gives up after about TASK_TIMEOUT seconds" test "$elapsed" -le 10 || return 0
    pass
}

test_bad_timeout_value() {
    begin "migrate.sh: a TASK_TIMEOUT that is not a number stops it before any AWS call"
    run TASK_TIMEOUT=soon FAKE_TASK_STATES=x migrate.sh e2e1
    expect "exits non-zero" status_is_not 0 || return 0
    expect "no AWS call" log_is_empty || return 0
    expect "stderr names the value" stderr_has "'soon'" || return 0
    pass
}

test_missing_secret_stops_first() {
    begin "up.sh: a missing secret stops it before any AWS call"
    run FAKE_TASK_STATES=x up.sh e2e1
    expect "exits 1" status_is 1 || return 0
    expect "no AWS call" log_is_empty || return 0
    expect "stderr names the variable" stderr_has "  DB_PASSWORD" || return 0
    pass
}

test_missing_tag_stops_first() {
    begin "up.sh: no TAG, or an invalid one, stops it before any AWS call"
    run DB_PASSWORD=x FAKE_TASK_STATES=x up.sh
    expect "exits non-zero without a tag" status_is_not 0 || return 0
    expect "no AWS call" log_is_empty || return 0
    run DB_PASSWORD=x FAKE_TASK_STATES=x up.sh 'bad tag;'
    expect "exits non-zero with an invalid tag" status_is_not 0 || return 0
    expect "no AWS call" log_is_empty || return 0
    expect "stderr names the tag" stderr_has "'bad tag;' is not a valid image tag" || return 0
    pass
}

test_push_builds_migrates_then_updates() {
    begin "push.sh: build and push with the git commit, register, migrate, then update the service"
    run FAKE_TASK_STATES=$'STOPPED\tEssential container in task exited\t0\t-' push.sh
    expect "exits 0" status_is 0 || return 0
    expect "the calls come in order" test "$(cat "$root/log")" = "docker build -t pacuna/webapp:f00ba12 ROOT
docker push pacuna/webapp:f00ba12
${migrate_calls}
aws ecs update-service
aws ecs describe-services" || return 0
    expect "the new revision runs the image tagged with the commit" \
        grep -qF '"image": "pacuna/webapp:f00ba12"' "$root/fake/task-definition.json" || return 0
    expect "the placeholders are filled in" \
        grep -qF '"executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"' \
        "$root/fake/task-definition.json" || return 0
    pass
}

test_push_failed_migration_leaves_services() {
    begin "push.sh: a failed migration leaves the services alone"
    run FAKE_TASK_STATES=$'STOPPED\tEssential container in task exited\t1\t-' push.sh 9f8e7d6
    expect "exits non-zero" status_is_not 0 || return 0
    expect "stderr names the exit code" stderr_has "exit code 1" || return 0
    expect "no update-service" test "$(calls_of 'ecs update-service')" = 0 || return 0
    pass
}

test_success_continues
test_failure_fails_loudly
test_no_exit_code_fails
test_timeout_fails
test_bad_timeout_value
test_missing_secret_stops_first
test_missing_tag_stops_first
test_push_builds_migrates_then_updates
test_push_failed_migration_leaves_services

echo "scripts-test: $passed passed, $failed failed"
((failed == 0))
