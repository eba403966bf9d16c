#!/usr/bin/env bash
# A local AWS endpoint for the ECS tests: moto's server on 127.0.0.1, reached
# through the AWS CLI with fake credentials and nothing from the caller's
# ~/.aws. Source this file, then call moto_start:
#
#   . tests/ecs/moto.sh
#   moto_start            # exports MOTO_ENDPOINT, MOTO_DIR, PATH, AWS_*
#   aws ecs list-clusters
#
# moto_start installs an EXIT trap that stops the server and removes its
# folder (keeping any EXIT trap set before it); moto_stop does it earlier.
# The server also dies on its own after MOTO_LIFETIME seconds (default 600),
# so a killed test cannot leave it running.
#
# awscli v1 ignores AWS_ENDPOINT_URL for some services (rds in us-east-1
# among them) and would call the real AWS, so an `aws` wrapper that always
# passes --endpoint-url goes first on PATH.

moto_start() {
    local real_aws python port
    real_aws="$(command -v aws)" || {
        echo "moto.sh: the AWS CLI (aws) is not on PATH" >&2
        return 2
    }
    python="$(command -v python3)" || {
        echo "moto.sh: python3 is not on PATH" >&2
        return 2
    }
    if ! "$python" -c 'import moto.server' 2>/dev/null; then
        echo "moto.sh: python3 cannot import moto.server (pip install 'moto[server]')" >&2
        return 2
    fi
    MOTO_DIR="$(mktemp -d "${TMPDIR:-/tmp}/stackc-moto.XXXXXX")"
    export MOTO_DIR
    # Keep the caller's EXIT trap and run it after stopping the server.
    local previous=""
    previous="$(trap -p EXIT)"
    if [[ -n "$previous" ]]; then
        eval "set -- $previous"
        previous="$3"
    fi
    # shellcheck disable=SC2064 # expanded now, on purpose
    trap "moto_stop; $previous" EXIT

    # A free port: the kernel picks one, the server binds it right after.
    port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # The AWS managed policies (AmazonECSTaskExecutionRolePolicy) exist only
    # when loaded.
    MOTO_IAM_LOAD_MANAGED_POLICIES=true timeout --kill-after=5 "${MOTO_LIFETIME:-600}" \
        "$python" -m moto.server -H 127.0.0.1 -p "$port" >"$MOTO_DIR/server.log" 2>&1 &
    MOTO_PID=$!
    MOTO_ENDPOINT="http://127.0.0.1:$port"
    export MOTO_ENDPOINT MOTO_PID

    mkdir -p "$MOTO_DIR/home" "$MOTO_DIR/bin"
    export HOME="$MOTO_DIR/home"
    export AWS_CONFIG_FILE="$MOTO_DIR/home/config"
    export AWS_SHARED_CREDENTIALS_FILE="$MOTO_DIR/home/credentials"
    : >"$AWS_CONFIG_FILE"
    : >"$AWS_SHARED_CREDENTIALS_FILE"
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION
    export AWS_DEFAULT_REGION=us-east-1
    export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
    export AWS_PAGER=""
    # awscli v1 is a Python package: running it with `python3 -m awscli`
    # skips the launcher (a pyenv shim, say), which matters at hundreds of
    # calls per test. Better still, when this python has awscli (and
    # socket.send_fds, 3.9+), a fork server imports it once
    # (tests/ecs/aws-fork-server.py) and each `aws` becomes a small client
    # (tests/ecs/aws-client.py) whose call forks a child already past the
    # imports: the 1-3 s of importing awscli/botocore per call is what made
    # the ECS tests slow. It listens on a unix socket in MOTO_DIR (never a
    # network port) and lives no longer than the moto server.
    local cli here socket
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    socket="$MOTO_DIR/aws.sock"
    MOTO_AWS_PID=""
    # MOTO_AWS_SERVER=0 skips it, for a caller that runs the CLI in-process.
    if [[ "${MOTO_AWS_SERVER:-1}" != 0 ]] &&
        "$python" -c 'import socket, awscli.clidriver; socket.send_fds' 2>/dev/null &&
        ((${#socket} < 100)); then  # sun_path holds 108 bytes
        timeout --kill-after=5 "${MOTO_LIFETIME:-600}" \
            "$python" "$here/aws-fork-server.py" "$socket" >"$MOTO_DIR/aws-server.log" 2>&1 &
        MOTO_AWS_PID=$!
        # The interpreter itself, not a launcher such as a pyenv shim (a
        # shell script that costs more than the client does).
        cli="$(printf '%q -I -S %q %q' "$("$python" -c 'import sys; print(sys.executable)')" \
            "$here/aws-client.py" "$socket")"
    elif "$python" -c 'import awscli.clidriver' 2>/dev/null; then
        cli="$(printf '%q -m awscli' "$python")"
    else
        cli="$(printf '%q' "$real_aws")"
    fi
    export MOTO_AWS_PID
    {
        printf '#!/usr/bin/env bash\n'
        printf '# The AWS CLI, always against the local moto server.\n'
        printf 'exec %s --endpoint-url %q "$@"\n' "$cli" "$MOTO_ENDPOINT"
    } >"$MOTO_DIR/bin/aws"
    chmod +x "$MOTO_DIR/bin/aws"
    export PATH="$MOTO_DIR/bin:$PATH"

    # Python starts slowly on a busy machine (the suite runs two tests per
    # core): wait by the clock, not by a count of tries.
    local deadline=$((SECONDS + 90))
    while ((SECONDS < deadline)); do
        if "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=1)' \
            "$MOTO_ENDPOINT" 2>/dev/null; then
            moto_wait_aws && return 0
            return 1
        fi
        if ! kill -0 "$MOTO_PID" 2>/dev/null; then
            break
        fi
        sleep 0.2
    done
    echo "moto.sh: the moto server did not answer on $MOTO_ENDPOINT; its log:" >&2
    sed 's/^/    /' "$MOTO_DIR/server.log" >&2
    return 1
}

# Waits for the AWS CLI fork server (if any) to listen: it renames its
# socket into place once it does.
moto_wait_aws() {
    [[ -n "${MOTO_AWS_PID:-}" ]] || return 0
    local deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        [[ -S "$MOTO_DIR/aws.sock" ]] && return 0
        kill -0 "$MOTO_AWS_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "moto.sh: the AWS CLI fork server did not start; its log:" >&2
    sed 's/^/    /' "$MOTO_DIR/aws-server.log" >&2
    return 1
}

# Stops the servers (if they still run) and removes their folder.
moto_stop() {
    # Killing `timeout` makes it signal its process group: the fork server
    # and any child still running a call.
    if [[ -n "${MOTO_AWS_PID:-}" ]]; then
        kill "$MOTO_AWS_PID" 2>/dev/null || true
        wait "$MOTO_AWS_PID" 2>/dev/null || true
        MOTO_AWS_PID=""
    fi
    if [[ -n "${MOTO_PID:-}" ]]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=""
    fi
    if [[ -n "${MOTO_DIR:-}" && -d "$MOTO_DIR" ]]; then
        rm -rf "$MOTO_DIR"
        MOTO_DIR=""
    fi
}

# Forgets everything the server holds, for a fresh start between tests.
moto_reset() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/moto-api/reset", method="POST"), timeout=5)' \
        "$MOTO_ENDPOINT"
}
