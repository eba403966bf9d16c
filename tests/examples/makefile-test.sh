#!/usr/bin/env bash
# Runs examples/Makefile the way a project would, in a copy of examples/:
# a first make builds everything, a second does nothing, touching a module
# rebuilds exactly the stack that imports it, a new tag rebuilds everything,
# and `make check` passes on current files and fails on a hand-edited one.
# Usage: makefile-test.sh STACKC_BINARY EXAMPLES_DIR
set -euo pipefail
stackc="${1:?usage: makefile-test.sh STACKC EXAMPLES_DIR}"
examples="${2:?usage: makefile-test.sh STACKC EXAMPLES_DIR}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$examples" "$work/examples"
rm -rf "$work"/examples/*/deploy "$work/examples/.tag"
cd "$work/examples"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
run_make() {
    make --no-print-directory STACKC="$stackc" "$@" 2>/dev/null
}
# The stackc command lines make ran, one per line.
builds() {
    grep -E "^$stackc build " || true
}

first="$(run_make TAG=one | builds)"
[[ "$(wc -l <<<"$first")" -eq 4 ]] || fail "first make should run 4 builds, ran: $first"
[[ -f rails-webapp/deploy/compose/docker-compose.yml ]] || fail "no rails-webapp compose file"
[[ -f shop/deploy/kubernetes/kube/deploy/apply.sh ]] || fail "no shop apply.sh"

second="$(run_make TAG=one | builds)"
[[ -z "$second" ]] || fail "second make should do nothing, ran: $second"

mtime_before="$(stat -c %Y.%N rails-webapp/deploy/compose/docker-compose.yml)"
sleep 1
touch shop/modules/database.stack
third="$(run_make TAG=one | builds)"
[[ "$(grep -c 'shop/shop.stack' <<<"$third")" -eq 2 ]] || fail "touching the module should rebuild shop twice, ran: $third"
! grep -q 'webapp.stack' <<<"$third" || fail "touching the shop's module rebuilt the book's stack: $third"
[[ "$(stat -c %Y.%N rails-webapp/deploy/compose/docker-compose.yml)" == "$mtime_before" ]] ||
    fail "an output of an unaffected stack was rewritten"

fourth="$(run_make TAG=one | builds)"
[[ -z "$fourth" ]] || fail "make after the rebuild should do nothing, ran: $fourth"

retag="$(run_make TAG=two | builds)"
[[ "$(wc -l <<<"$retag")" -eq 4 ]] || fail "a new tag should rebuild all 4, ran: $retag"
grep -q 'example/shop:two' shop/deploy/compose/docker-compose.yml || fail "the new tag is not in the shop's compose file"

run_make TAG=two check >/dev/null || fail "make check should pass on current files"
echo "# edited by hand" >> shop/deploy/compose/docker-compose.yml
if run_make TAG=two check >/dev/null; then
    fail "make check should fail on a hand-edited file"
fi

if ((failures > 0)); then
    echo "$failures failed" >&2
    exit 1
fi
echo "examples/Makefile: 1 passed, 0 failed"
