"""The `aws` command of the ECS tests: a client of tests/ecs/aws-fork-server.py.

    aws-client.py SOCKET ARG...

Sends ARG..., the environment and the working directory to the server on
the unix socket SOCKET, with its own fds 0, 1 and 2 (SCM_RIGHTS), so the
server's child reads this process's stdin and writes its stdout and stderr
directly; then exits with the child's exit code. Imports nothing heavy: it
runs once per `aws` call (python3 -I -S, a few tens of milliseconds).
"""

import json
import os
import socket
import struct
import sys


def main():
    path, argv = sys.argv[1], sys.argv[2:]
    body = json.dumps({"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            # A closed fd (`<&-`): the CLI gets /dev/null in its place.
            fds.append(os.open(os.devnull, os.O_RDWR))
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        socket.send_fds(conn, [struct.pack("!I", len(body))], fds)
        conn.sendall(body)
        reply = b""
        while len(reply) < 4:
            chunk = conn.recv(4 - len(reply))
            if not chunk:
                break
            reply += chunk
    except OSError as error:
        print(f"aws (tests/ecs/aws-client.py): {path}: {error}", file=sys.stderr)
        return 255
    if len(reply) < 4:
        print("aws (tests/ecs/aws-client.py): the fork server's child died", file=sys.stderr)
        return 255
    return struct.unpack("!i", reply)[0]


if __name__ == "__main__":
    sys.exit(main())
