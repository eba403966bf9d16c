#!/usr/bin/env bash
# Copied over each deploy script the pipelines call (kube/deploy/*.sh,
# ecs/deploy/*.sh) by pipeline-test.sh: the real scripts are tested on their
# own. Records "script PATH ARGS" in $FAKE_LOG and, in $FAKE_DIR/script-env,
# the variables it got beyond those the CI system sets by itself
# ($FAKE_BASE_NAMES), what $KUBECONFIG names, and whether the command the
# real script drives (kubectl, aws) is on PATH. Builtins only: it runs in
# every pipeline run.
#
#   FAKE_FAIL_SCRIPTS  script names (migrate.sh ...) that exit 1
set -eu
name="${0#"$FAKE_ROOT"/}"
printf 'script %s %s\n' "$name" "$*" >>"$FAKE_LOG"
extra=""
base=" $FAKE_BASE_NAMES PWD OLDPWD SHLVL _ "
for var in $(compgen -e); do
    if [[ "$base" != *" $var "* && "$var" != FAKE_* ]]; then
        extra+=" $var"
    fi
done
kubeconfig='unset'
if [[ -n "${KUBECONFIG:-}" ]]; then
    kubeconfig=missing
    if [[ -s "$KUBECONFIG" ]]; then
        read -r first <"$KUBECONFIG" || true
        kubeconfig="file:$first"
    fi
fi
missing=""
case "$name" in
    *kube/deploy/*) command -v kubectl >/dev/null || missing=kubectl ;;
    *ecs/deploy/*) command -v aws >/dev/null || missing=aws ;;
esac
printf '%s env:%s kubeconfig:%s missing:%s\n' "$name" "$extra" "$kubeconfig" "$missing" >>"$FAKE_DIR/script-env"
if [[ " ${FAKE_FAIL_SCRIPTS:-} " == *" ${name##*/} "* ]]; then
    echo "$name: fake failure" >&2
    exit 1
fi
