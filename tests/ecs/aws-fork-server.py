"""A fork server for the AWS CLI, so that the ECS tests' hundreds of `aws`
calls do not each pay for a new Python process importing awscli/botocore
(1-3 s a call). Started by tests/ecs/moto.sh:

    aws-fork-server.py SOCKET

It imports awscli's driver once, listens on the unix socket SOCKET (never a
network port) and, per connection from tests/ecs/aws-client.py, forks a
child that runs the CLI driver exactly as `python3 -m awscli` would, with
the caller's argv, environment and working directory, and with the caller's
own stdin, stdout and stderr: the client passes its fds 0, 1 and 2 over the
socket (SCM_RIGHTS), so a secret piped in as `file:///dev/stdin` reaches the
CLI unchanged, output is written straight to the caller's files, and no
stdin is read when the command does not ask for it. The child sends back
the exit code, then exits.

Its lifetime is bounded by moto.sh (`timeout`, and an EXIT trap that kills
it); `timeout` signals its whole process group, children included.
"""

import gc
import json
import os
import signal
import socket
import struct
import sys

# The expensive part, once: everything an `aws` call imports.
import awscli
import awscli.clidriver
import botocore.endpoint  # noqa: F401  (imported late by a call otherwise)
import botocore.httpsession  # noqa: F401
import botocore.loaders
import botocore.parsers  # noqa: F401
import botocore.serialize  # noqa: F401

# The CLI's own models, which awscli's import adds to AWS_DATA_PATH.
AWSCLI_DATA = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")


# The data loader the children share: loading a service model and listing
# the available services (some 1,700 directory listings) cost 0.3-0.5 s a
# call otherwise. Only the loader's files are shared, read before the fork;
# each child's session stays its own, and whatever a child changes in a
# model stays in its copy of the memory.
DATA_PATH = os.environ["AWS_DATA_PATH"]
LOADER = botocore.loaders.create_loader(DATA_PATH)
# The services the generated scripts and the tests call, each with an
# operation that --generate-cli-skeleton prints without calling anything.
OPERATIONS = {"ecs": "list-clusters", "ec2": "describe-vpcs", "elb": "describe-load-balancers",
              "elbv2": "describe-load-balancers", "iam": "list-roles", "logs": "describe-log-groups",
              "rds": "describe-db-instances", "ssm": "get-parameter", "sts": "get-caller-identity"}


def warm_up():
    """Imports what a first call imports lazily (customizations, command
    tables) and fills LOADER with the models of OPERATIONS' services,
    writing nothing; a failure here only costs speed."""
    devnull = os.open(os.devnull, os.O_RDWR)
    saved = os.dup(1), os.dup(2)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        # The same calls a child makes, so that the loader's cache keys
        # (its arguments, as passed) are the ones a child looks up; nothing
        # registered for botocore's events changes the data loaded.
        for service, operation in OPERATIONS.items():
            driver = awscli.clidriver.create_clidriver()
            driver.session.register_component("data_loader", LOADER)
            driver.main([service, operation, "--generate-cli-skeleton"])
            # What a call loads beyond that: endpoint rules, partitions,
            # waiters, paginators; creating a client calls nothing.
            driver.session.create_client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:1")
            for load in (driver.session.get_waiter_model, driver.session.get_paginator_model):
                try:
                    load(service)
                except Exception:  # noqa: BLE001 (a service without waiters)
                    pass
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001
        pass
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (devnull, *saved):
            os.close(fd)


def receive(conn):
    """The request: a 4-byte length, then JSON {argv, env, cwd}; fds 0-2
    arrive with the first bytes."""
    header, fds, _, _ = socket.recv_fds(conn, 4, 3)
    if len(header) < 4 or len(fds) != 3:
        raise RuntimeError("aws-fork-server: a malformed request")
    (length,) = struct.unpack("!I", header)
    body = b""
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            raise RuntimeError("aws-fork-server: a truncated request")
        body += chunk
    return json.loads(body), fds


def serve_one(conn):
    """In the child: becomes the caller's `aws` process, runs the CLI."""
    code = 255
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        request, fds = receive(conn)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        # What importing awscli does to the environment (awscli/__init__.py),
        # as the real `aws` would have done it on this environment.
        paths = [os.path.expanduser(os.path.expandvars(p))
                 for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep) if p]
        os.environ["AWS_DATA_PATH"] = os.pathsep.join([*paths, AWSCLI_DATA])
        os.chdir(request["cwd"])
        # Fresh text streams on the new fds: the server's own were set up for
        # its files (buffering depends on whether they are terminals).
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, errors="backslashreplace", closefd=False)
        sys.argv = ["aws", *request["argv"]]
        try:
            # awscli.clidriver.main(), with the shared loader when the data
            # path is the server's.
            driver = awscli.clidriver.create_clidriver()
            if os.environ["AWS_DATA_PATH"] == DATA_PATH:
                driver.session.register_component("data_loader", LOADER)
            code = driver.main()
            awscli.clidriver.HISTORY_RECORDER.record("CLI_RC", code, "CLI")
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            pass
        sys.stderr.flush()
    except BaseException as error:  # noqa: BLE001
        try:
            os.write(2, f"aws-fork-server: {error!r}\n".encode())
        except OSError:
            pass
    finally:
        try:
            conn.sendall(struct.pack("!i", code))
        except OSError:
            pass
        os._exit(0)


def main(path):
    warm_up()
    # Out of the collector's sight: a child's collections would otherwise
    # walk, and so copy, every page of the server's heap.
    gc.freeze()
    # Children are never waited for: the kernel reaps them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Bound under a temporary name and renamed once listening, so that the
    # socket's existence tells moto.sh the server is ready.
    server.bind(path + ".tmp")
    server.listen(64)
    os.rename(path + ".tmp", path)
    while True:
        try:
            conn, _ = server.accept()
        except InterruptedError:
            continue
        if os.fork() == 0:
            server.close()
            serve_one(conn)
        conn.close()


if __name__ == "__main__":
    main(sys.argv[1])
