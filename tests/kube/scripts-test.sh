#!/usr/bin/env bash
# Tests what the generated Kubernetes scripts do, without a cluster: each
# runs from a copy of a golden tree (tests/golden/kube-*/expected/kube) with
# the fakes of tests/kube/fake-bin (kubectl, docker, git) first on PATH and
# nothing else from the caller's environment. The fakes record every call,
# so a test compares the order of operations and their arguments, and can
# make a Job fail or hang, or a rollout fail.
#
# Usage: tests/kube/scripts-test.sh GOLDEN_DIR
# Every script run is bounded by `timeout`; the whole file takes seconds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:?usage: scripts-test.sh GOLDEN_DIR}"
golden="$(cd "$golden" && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-kube-scripts.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A copy, so that the fakes run even from a checkout that lost their mode.
fakes="$tmp/fake-bin"
cp -R "$here/fake-bin" "$fakes"
chmod +x "$fakes"/*

passed=0
failed=0
cases=0
root=""
status=0
elapsed=0
current=""

# Starts a test on a fresh copy of a golden case's kube/ folder.
begin() {
    current="$1"
    cases=$((cases + 1))
    root="$tmp/$cases-$2"
    mkdir -p "$root/fake"
    cp -R "$golden/$2/expected/kube" "$root/"
    : >"$root/log"
}

# run [NAME=VALUE...] SCRIPT [ARG...]: runs a script of the copy, with the
# fakes first on PATH, a clean environment and at most 60 seconds.
run() {
    local assignments=()
    while [[ $# -gt 0 && "$1" == *=* ]]; do
        assignments+=("$1")
        shift
    done
    local script="$root/kube/deploy/$1"
    shift
    local start=$SECONDS
    status=0
    timeout 60 env -i \
        PATH="$fakes:/usr/local/bin:/usr/bin:/bin" \
        HOME="$root" LANG=C.UTF-8 \
        FAKE_ROOT="$root" FAKE_LOG="$root/log" FAKE_DIR="$root/fake" \
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
    echo "  --- stderr:"
    sed 's/^/    /' "$root/stderr"
}

# expect CONDITION-DESCRIPTION COMMAND...: one check of the current test.
expect() {
    local what="$1"
    shift
    if ! "$@"; then
        fail "$what"
        return 1
    fi
}

# The recorded calls must be exactly the text on standard input, where
# DIGEST stands for any sha256 digest.
expect_calls() {
    local expected
    expected="$(cat)"
    if [[ "$(calls)" != "$expected" ]]; then
        fail "the calls differ from the expected ones:"
        diff <(echo "$expected") <(calls) | sed 's/^/    /' || true
        return 1
    fi
}
calls() { sed -E 's/[0-9a-f]{64}/DIGEST/g' "$root/log"; }

# Forgets the calls recorded so far, to check those of the next run only; the
# fake cluster keeps its state.
clear_log() { : >"$root/log"; }

status_is() { [[ "$status" -eq "$1" ]]; }
status_is_not() { [[ "$status" -ne "$1" ]]; }
stderr_has() { grep -qF -- "$1" "$root/stderr"; }
stdout_has() { grep -qF -- "$1" "$root/stdout"; }
log_has() { grep -qF -- "$1" "$root/log"; }
log_lacks() { ! grep -qF -- "$1" "$root/log"; }
log_is_empty() { [[ ! -s "$root/log" ]]; }
nothing_leaks() { ! grep -rqF -- "$1" "$root/log" "$root/stdout" "$root/stderr" "$root/kube"; }

# ---- apply.sh ----------------------------------------------------------------

# The first calls of apply.sh for the book's stack: its Secret, then its database.
book_start="$(cat <<'EOF'
kubectl create secret generic webapp-db-password --from-file=value=/dev/stdin --dry-run=client -o yaml
kubectl label --local -f - app=webapp -o yaml
kubectl apply -f -
kubectl apply -f ROOT/kube/deployments/postgres-deployment.yaml
kubectl rollout status deployment/postgres --timeout=300s
EOF
)"

test_apply_orders_the_book() {
    begin "apply.sh: secrets, database, setup job, app, balancer, with waits" kube-book-development
    # shellcheck disable=SC2016 # a dollar in the value, on purpose
    local secret='s3cr$t pass'
    run "DB_PASSWORD=$secret" apply.sh
    expect "exits 0" status_is 0 || return 0
    expect_calls <<EOF || return 0
$book_start
kubectl get job setup --ignore-not-found -o jsonpath={.metadata.annotations.stackc/spec-digest},{.status.conditions[?(@.status=="True")].type}
kubectl delete job setup --ignore-not-found --cascade=foreground
kubectl annotate --local -f - stackc/spec-digest=DIGEST -o yaml
kubectl create -f - (job setup)
kubectl wait --for=condition=complete job/setup --timeout=5s
kubectl apply -f ROOT/kube/deployments/webapp-deployment.yaml
kubectl rollout status deployment/webapp --timeout=300s
kubectl get service webapp -o wide
EOF
    expect "the Secret gets the value through stdin" \
        test "$(cat "$root/fake/secret-webapp-db-password")" = "$secret" || return 0
    expect "the secret value appears in no argument, output or file" nothing_leaks "$secret" || return 0
    pass
}

test_apply_with_a_tag_runs_the_built_images_tagged() {
    begin "apply.sh TAG: the setup Job and the app run the image this stack builds, tagged TAG" kube-book-production
    run DB_PASSWORD=x apply.sh 9f8e7d6
    expect "exits 0" status_is 0 || return 0
    expect_calls <<EOF || return 0
$book_start
kubectl set image --local -f ROOT/kube/jobs/setup-job.yaml setup=pacuna/webapp:9f8e7d6 -o yaml
kubectl get job setup --ignore-not-found -o jsonpath={.metadata.annotations.stackc/spec-digest},{.status.conditions[?(@.status=="True")].type}
kubectl delete job setup --ignore-not-found --cascade=foreground
kubectl annotate --local -f - stackc/spec-digest=DIGEST -o yaml
kubectl create -f - (job setup with setup=pacuna/webapp:9f8e7d6)
kubectl wait --for=condition=complete job/setup --timeout=5s
kubectl apply -f ROOT/kube/deployments/webapp-deployment.yaml
kubectl set image deployment/webapp webapp=pacuna/webapp:9f8e7d6
kubectl rollout status deployment/webapp --timeout=300s
kubectl get service webapp -o wide
EOF
    pass
}

test_apply_rejects_a_bad_tag() {
    begin "apply.sh TAG: a tag that is not a valid image tag stops it before any kubectl call" kube-book-production
    run DB_PASSWORD=x apply.sh 'bad tag'
    expect "exits non-zero" status_is_not 0 || return 0
    expect "says why" stderr_has "apply.sh: 'bad tag' is not a valid image tag" || return 0
    expect "calls nothing" log_is_empty || return 0
    pass
}

test_apply_needs_every_secret() {
    begin "apply.sh: a missing secret stops it before any kubectl call" kube-secrets
    run DB_PASSWORD=x apply.sh
    expect "exits 1" status_is 1 || return 0
    expect "no kubectl call" log_is_empty || return 0
    expect "names the missing variables" stderr_has "API_KEY" || return 0
    expect "names the missing variables" stderr_has "AUDIT_TOKEN" || return 0
    expect "points at the template" stderr_has "secrets.env.example" || return 0
    pass
}

test_apply_stops_on_a_failed_job() {
    begin "apply.sh: a failed Job prints its logs and stops with non-zero" kube-book-development
    run DB_PASSWORD=x FAKE_FAIL_JOBS=setup apply.sh
    expect "exits non-zero" status_is_not 0 || return 0
    expect_calls <<EOF || return 0
$book_start
kubectl get job setup --ignore-not-found -o jsonpath={.metadata.annotations.stackc/spec-digest},{.status.conditions[?(@.status=="True")].type}
kubectl delete job setup --ignore-not-found --cascade=foreground
kubectl annotate --local -f - stackc/spec-digest=DIGEST -o yaml
kubectl create -f - (job setup)
kubectl wait --for=condition=complete job/setup --timeout=5s
kubectl get job/setup -o jsonpath={.status.conditions[?(@.type=="Failed")].status}
kubectl logs job/setup --all-containers=true --prefix=true
EOF
    expect "says the job failed" stderr_has "apply.sh: job setup failed; its logs:" || return 0
    expect "prints the job's logs" stderr_has "fake log line of job setup" || return 0
    pass
}

test_apply_bounds_a_hanging_job() {
    begin "apply.sh: a Job that never finishes times out after JOB_TIMEOUT" kube-book-development
    run DB_PASSWORD=x FAKE_HANG_JOBS=setup JOB_TIMEOUT=1 apply.sh
    expect "exits non-zero" status_is_not 0 || return 0
    expect "stops soon after JOB_TIMEOUT" test "$elapsed" -le 10 || return 0
    expect "says it timed out" stderr_has "job setup did not complete within 1s" || return 0
    expect "prints the job's logs" log_has "kubectl logs job/setup --all-containers=true --prefix=true" || return 0
    expect "does not go on to the app" log_lacks "webapp-deployment.yaml" || return 0
    pass
}

test_apply_stops_on_a_failed_rollout() {
    begin "apply.sh: a database that never gets ready stops everything after it" kube-book-development
    run DB_PASSWORD=x FAKE_FAIL_ROLLOUTS=postgres apply.sh
    expect "exits non-zero" status_is_not 0 || return 0
    expect "waited for the database" log_has "kubectl rollout status deployment/postgres --timeout=300s" || return 0
    expect "runs no job" log_lacks "job setup" || return 0
    expect "applies no app" log_lacks "webapp-deployment.yaml" || return 0
    pass
}

test_apply_honours_rollout_timeout() {
    begin "apply.sh: ROLLOUT_TIMEOUT reaches kubectl" kube-no-task
    run DB_PASSWORD=x ROLLOUT_TIMEOUT=42s apply.sh
    expect "exits 0" status_is 0 || return 0
    expect "uses it" log_has "kubectl rollout status deployment/db --timeout=42s" || return 0
    pass
}

test_apply_orders_a_task_chain() {
    begin "apply.sh: migrate, then seed, then the app, then a task that needs the app" kube-task-chain
    run DB_PASSWORD=x apply.sh
    expect "exits 0" status_is 0 || return 0
    local order
    order="$(grep -oE 'apply -f ROOT/kube/[a-z/-]+\.yaml|create -f - \(job [a-z-]+|get service [a-z-]+' "$root/log" |
        tr '\n' ' ')"
    expect "in dependency order (got: $order)" test "$order" = "apply -f ROOT/kube/deployments/db-deployment.yaml \
create -f - (job migrate create -f - (job seed \
apply -f ROOT/kube/deployments/blog-deployment.yaml get service blog \
create -f - (job warm-cache " || return 0
    pass
}

test_apply_applies_balancer_services_last() {
    begin "apply.sh: a balancer's own Service comes after its app" kube-balancer-options
    run apply.sh
    expect "exits 0" status_is 0 || return 0
    local order
    order="$(grep -oE 'apply -f ROOT/kube/[a-z/-]+\.yaml' "$root/log" | tr '\n' ' ')"
    expect "in dependency order (got: $order)" test "$order" = "apply -f ROOT/kube/deployments/admin-deployment.yaml \
apply -f ROOT/kube/deployments/site-deployment.yaml apply -f ROOT/kube/services/public-site-service.yaml " || return 0
    pass
}

# ---- migrate.sh --------------------------------------------------------------

test_migrate_runs_the_job_with_the_tag() {
    begin "migrate.sh TAG: recreates the setup Job with the image tagged TAG and waits" kube-book-production
    run migrate.sh 1a2b3c4
    expect "exits 0" status_is 0 || return 0
    expect_calls <<'EOF' || return 0
kubectl set image --local -f ROOT/kube/jobs/setup-job.yaml setup=pacuna/webapp:1a2b3c4 -o yaml
kubectl delete job setup --ignore-not-found --cascade=foreground
kubectl annotate --local -f - stackc/spec-digest=DIGEST -o yaml
kubectl create -f - (job setup with setup=pacuna/webapp:1a2b3c4)
kubectl wait --for=condition=complete job/setup --timeout=5s
EOF
    expect "leaves the Job file alone" cmp -s "$root/kube/jobs/setup-job.yaml" \
        "$golden/kube-book-production/expected/kube/jobs/setup-job.yaml" || return 0
    pass
}

test_migrate_defaults_to_the_git_commit() {
    begin "migrate.sh: without TAG, the current short git commit" kube-book-development
    run migrate.sh
    expect "exits 0" status_is 0 || return 0
    expect "asks git" log_has "git -C ROOT/kube/deploy rev-parse --short HEAD" || return 0
    expect "uses the commit" log_has "kubectl create -f - (job setup with setup=pacuna/webapp:f00ba12)" || return 0
    pass
}

test_migrate_fails_with_the_job() {
    begin "migrate.sh: a failed Job prints its logs and exits non-zero" kube-book-production
    run FAKE_FAIL_JOBS=setup migrate.sh 1a2b3c4
    expect "exits non-zero" status_is_not 0 || return 0
    expect "prints the logs" log_has "kubectl logs job/setup --all-containers=true --prefix=true" || return 0
    expect "says so" stderr_has "migrate.sh: job setup failed; its logs:" || return 0
    expect "shows them" stderr_has "fake log line of job setup" || return 0
    pass
}

test_migrate_rejects_a_bad_tag() {
    begin "migrate.sh: an invalid tag stops it before any kubectl call" kube-book-production
    run migrate.sh 'bad tag;rm'
    expect "exits 1" status_is 1 || return 0
    expect "no kubectl call" log_is_empty || return 0
    expect "says why" stderr_has "is not a valid image tag" || return 0
    pass
}

test_migrate_runs_a_chain_in_order() {
    begin "migrate.sh: every setup task in order; images not built here keep their tag" kube-task-chain
    run migrate.sh 9z
    expect "exits 0" status_is 0 || return 0
    local order
    order="$(grep -oE '^kubectl (create -f .*|set image .*)' "$root/log" | tr '\n' '|')"
    expect "in order (got: $order)" test "$order" = "kubectl set image --local -f ROOT/kube/jobs/migrate-job.yaml \
migrate=example/blog:9z -o yaml|kubectl create -f - (job migrate with migrate=example/blog:9z)|kubectl set image \
--local -f ROOT/kube/jobs/seed-job.yaml seed=example/blog:9z -o yaml|kubectl create -f - (job seed with \
seed=example/blog:9z)|kubectl create -f - (job warm-cache)|" || return 0
    pass
}

test_migrate_without_tasks() {
    begin "migrate.sh: a stack with no task has nothing to run" kube-no-task
    run migrate.sh
    expect "exits 0" status_is 0 || return 0
    expect "calls nothing" log_is_empty || return 0
    pass
}

# ---- push.sh -----------------------------------------------------------------

test_push_builds_migrates_and_rolls_out() {
    begin "push.sh TAG: build, push, setup job with the tag, then set image on the Deployment" kube-book-production
    run STACK_DIR=/src/webapp push.sh 1a2b3c4
    expect "exits 0" status_is 0 || return 0
    expect_calls <<'EOF' || return 0
docker build -t pacuna/webapp:1a2b3c4 /src/webapp
docker push pacuna/webapp:1a2b3c4
kubectl set image --local -f ROOT/kube/jobs/setup-job.yaml setup=pacuna/webapp:1a2b3c4 -o yaml
kubectl delete job setup --ignore-not-found --cascade=foreground
kubectl annotate --local -f - stackc/spec-digest=DIGEST -o yaml
kubectl create -f - (job setup with setup=pacuna/webapp:1a2b3c4)
kubectl wait --for=condition=complete job/setup --timeout=5s
kubectl set image deployment/webapp webapp=pacuna/webapp:1a2b3c4
kubectl rollout status deployment/webapp --timeout=300s
EOF
    pass
}

test_push_does_not_roll_out_after_a_failed_migration() {
    begin "push.sh: a failed setup Job leaves the Deployment on its old image" kube-book-production
    run STACK_DIR=/src FAKE_FAIL_JOBS=setup push.sh 1a2b3c4
    expect "exits non-zero" status_is_not 0 || return 0
    expect "no set image" log_lacks "set image deployment/" || return 0
    pass
}

test_push_uses_context_and_dockerfile() {
    begin "push.sh: one build per image, from its context and Dockerfile; the stack folder by default" kube-builds
    run push.sh v2
    expect "exits 0" status_is 0 || return 0
    expect "builds once" test "$(grep -c '^docker build' "$root/log")" -eq 1 || return 0
    expect "with context and Dockerfile" log_has "docker build -t registry.example.com/media/api:v2 -f ROOT/services/api/Dockerfile.prod ROOT/services/api" || return 0
    expect "rolls out both apps" log_has "kubectl set image deployment/thumbnailer thumbnailer=registry.example.com/media/api:v2" || return 0
    expect "leaves other images alone" log_lacks "deployment/proxy" || return 0
    pass
}

# ---- setup Jobs run once per spec --------------------------------------------

# Whether the last run deleted Job $1 and created it again, or left it alone.
job_recreated() { log_has "kubectl delete job $1 --ignore-not-found" && log_has "kubectl create -f - (job $1"; }
job_left_alone() { log_lacks "kubectl delete job $1 " && log_lacks "kubectl create -f - (job $1"; }

# The digest the last Job created was annotated with.
job_digest() { sed -n 's/^kubectl annotate --local -f - stackc\/spec-digest=\([0-9a-f]*\) -o yaml$/\1/p' "$root/log" | tail -n 1; }

test_migrate_annotates_the_job_with_the_digest_of_what_it_runs() {
    begin "migrate.sh: the Job's annotation is the sha256 of the manifest with the image set" kube-book-production
    run migrate.sh 1a2b3c4
    expect "exits 0" status_is 0 || return 0
    local expected
    expected="$(PATH="$fakes:$PATH" FAKE_ROOT="$root" FAKE_LOG=/dev/null FAKE_DIR="$root/fake" \
        kubectl set image --local -f "$root/kube/jobs/setup-job.yaml" setup=pacuna/webapp:1a2b3c4 -o yaml | sha256sum)"
    expect "annotates with the digest of the set-image output" test "$(job_digest)" = "${expected%% *}" || return 0
    expect "the Job is created annotated" grep -qx "# fake annotate: stackc/spec-digest=${expected%% *}" \
        "$root/fake/stdin-create" || return 0
    pass
}

test_apply_after_migrate_with_the_same_tag_skips_the_job() {
    begin "apply.sh TAG after migrate.sh TAG: the completed Job is not run again" kube-book-production
    run migrate.sh 1a2b3c4
    expect "migrate.sh exits 0" status_is 0 || return 0
    clear_log
    run DB_PASSWORD=x apply.sh 1a2b3c4
    expect "exits 0" status_is 0 || return 0
    expect_calls <<EOF || return 0
$book_start
kubectl set image --local -f ROOT/kube/jobs/setup-job.yaml setup=pacuna/webapp:1a2b3c4 -o yaml
kubectl get job setup --ignore-not-found -o jsonpath={.metadata.annotations.stackc/spec-digest},{.status.conditions[?(@.status=="True")].type}
kubectl apply -f ROOT/kube/deployments/webapp-deployment.yaml
kubectl set image deployment/webapp webapp=pacuna/webapp:1a2b3c4
kubectl rollout status deployment/webapp --timeout=300s
kubectl get service webapp -o wide
EOF
    expect "says so" stdout_has "job setup has already completed with this spec" || return 0
    pass
}

test_apply_after_push_with_the_same_tag_skips_the_job() {
    begin "apply.sh TAG after push.sh TAG: the completed Job is not run again" kube-book-production
    run STACK_DIR=/src push.sh 1a2b3c4
    expect "push.sh exits 0" status_is 0 || return 0
    clear_log
    run DB_PASSWORD=x apply.sh 1a2b3c4
    expect "exits 0" status_is 0 || return 0
    expect "leaves the Job alone" job_left_alone setup || return 0
    expect "says so" stdout_has "job setup has already completed with this spec" || return 0
    pass
}

test_apply_with_another_tag_runs_the_job_again() {
    begin "apply.sh TAG after migrate.sh with another tag: the Job runs again" kube-book-production
    run migrate.sh 1a2b3c4
    expect "migrate.sh exits 0" status_is 0 || return 0
    clear_log
    run DB_PASSWORD=x apply.sh 5e6f7a8
    expect "exits 0" status_is 0 || return 0
    expect "recreates the Job" job_recreated setup || return 0
    expect "with the new image" log_has "kubectl create -f - (job setup with setup=pacuna/webapp:5e6f7a8)" || return 0
    expect "waits for it" log_has "kubectl wait --for=condition=complete job/setup --timeout=5s" || return 0
    pass
}

test_apply_runs_a_job_once_until_its_file_changes() {
    begin "apply.sh twice: the Job runs once; after its file changes, again" kube-book-development
    run DB_PASSWORD=x apply.sh
    expect "exits 0" status_is 0 || return 0
    local first
    first="$(job_digest)"
    clear_log
    run DB_PASSWORD=x apply.sh
    expect "the second run exits 0" status_is 0 || return 0
    expect "the second run leaves the Job alone" job_left_alone setup || return 0
    expect "says so" stdout_has "job setup has already completed with this spec" || return 0
    sed -i 's/backoffLimit: 2/backoffLimit: 3/' "$root/kube/jobs/setup-job.yaml"
    clear_log
    run DB_PASSWORD=x apply.sh
    expect "the third run exits 0" status_is 0 || return 0
    expect "the third run recreates the Job" job_recreated setup || return 0
    expect "with another digest" test "$(job_digest)" != "$first" || return 0
    pass
}

test_apply_waits_for_a_job_still_running_with_the_same_spec() {
    begin "apply.sh TAG: a Job with the same digest that is still running is waited for, not recreated" \
        kube-book-production
    run migrate.sh 1a2b3c4
    expect "migrate.sh exits 0" status_is 0 || return 0
    clear_log
    run DB_PASSWORD=x FAKE_RUNNING_JOBS=setup apply.sh 1a2b3c4
    expect "exits 0" status_is 0 || return 0
    expect "leaves the Job alone" job_left_alone setup || return 0
    expect "waits for it" log_has "kubectl wait --for=condition=complete job/setup --timeout=5s" || return 0
    expect "says so" stdout_has "job setup is already running with this spec; waiting for it" || return 0
    expect "goes on to the app" log_has "kubectl apply -f ROOT/kube/deployments/webapp-deployment.yaml" || return 0
    pass
}

test_apply_reruns_a_failed_job_with_the_same_spec() {
    begin "apply.sh: a Job with the same digest that failed runs again" kube-book-development
    run DB_PASSWORD=x FAKE_FAIL_JOBS=setup apply.sh
    expect "the first run fails" status_is_not 0 || return 0
    clear_log
    run DB_PASSWORD=x FAKE_FAIL_JOBS=setup apply.sh
    expect "fails again" status_is_not 0 || return 0
    expect "recreates the Job" job_recreated setup || return 0
    pass
}

test_apply_replaces_a_job_without_a_digest() {
    begin "apply.sh: a completed Job without the annotation (an older apply.sh) runs again" kube-book-development
    : >"$root/fake/job-setup"
    run DB_PASSWORD=x apply.sh
    expect "exits 0" status_is 0 || return 0
    expect "recreates the Job" job_recreated setup || return 0
    pass
}

test_migrate_always_runs_again() {
    begin "migrate.sh TAG twice, after apply.sh TAG: the Job runs every time" kube-book-production
    run DB_PASSWORD=x apply.sh 1a2b3c4
    expect "apply.sh exits 0" status_is 0 || return 0
    local round
    for round in 1 2; do
        clear_log
        run migrate.sh 1a2b3c4
        expect "run $round exits 0" status_is 0 || return 0
        expect_calls <<'EOF' || return 0
kubectl set image --local -f ROOT/kube/jobs/setup-job.yaml setup=pacuna/webapp:1a2b3c4 -o yaml
kubectl delete job setup --ignore-not-found --cascade=foreground
kubectl annotate --local -f - stackc/spec-digest=DIGEST -o yaml
kubectl create -f - (job setup with setup=pacuna/webapp:1a2b3c4)
kubectl wait --for=condition=complete job/setup --timeout=5s
EOF
    done
    pass
}

# ---- every golden tree -------------------------------------------------------

test_every_tree_applies_each_manifest_once() {
    local dir name file count
    for dir in "$golden"/kube-*/expected/kube; do
        name="$(basename "$(dirname "$(dirname "$dir")")")"
        begin "apply.sh of $name: applies each manifest exactly once" "$name"
        local secrets=()
        if [[ -f "$root/kube/deploy/secrets.env.example" ]]; then
            mapfile -t secrets < <(sed -n 's/^\([A-Z0-9_]*\)=$/\1=dummy/p' "$root/kube/deploy/secrets.env.example")
        fi
        run "${secrets[@]}" apply.sh
        if ! status_is 0; then
            fail "exits $status"
            continue
        fi
        local ok=1
        while IFS= read -r file; do
            if [[ "$file" == "$root"/kube/jobs/*-job.yaml ]]; then
                # Jobs are created through a pipe: kubectl create -f - (job NAME[ with IMAGE])
                file="${file#"$root"/kube/jobs/}"
                count="$(grep -cE "^kubectl create -f - \(job ${file%-job.yaml}( with [^)]*)?\)\$" "$root/log" || true)"
            else
                count="$(grep -cE "^kubectl (apply|create) -f ROOT/kube/${file#"$root"/kube/}\$" "$root/log" || true)"
            fi
            if [[ "$count" -ne 1 ]]; then
                fail "${file#"$root"/} applied $count times"
                ok=0
                break
            fi
        done < <(find "$root/kube" -name '*.yaml' | sort)
        ((ok)) && pass
        begin "migrate.sh and push.sh of $name: run to the end" "$name"
        run migrate.sh t1
        if ! status_is 0; then
            fail "migrate.sh exits $status"
            continue
        fi
        run STACK_DIR=/src push.sh t1
        if ! status_is 0; then
            fail "push.sh exits $status"
            continue
        fi
        pass
    done
}

for test in $(declare -F | awk '{print $3}' | grep '^test_'); do
    "$test"
done
echo
echo "$passed passed, $failed failed"
((failed == 0))
