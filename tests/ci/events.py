#!/usr/bin/env python3
"""Turns the call log of the fake tools (tests/ci/fake-bin, deploy-script.sh)
into the steps of a deployment, one a line, in order:

  compose-build PROJECT | compose-run PROJECT SERVICE | compose-down PROJECT
  compose-failed PROJECT SUBCOMMAND (Compose could not load the project)
  login | build IMAGE | push IMAGE | migrate SCRIPT TAG | deploy SCRIPT TAG
  script SCRIPT ARGS (any other deploy script)

Calls that are none of these (git rev-parse, kubectl, aws...) are left out.

Usage: events.py LOG
"""

import shlex
import sys

COMPOSE_OPTIONS_WITH_VALUE = {"-p", "--project-name", "-f", "--file", "--project-directory", "--env-file",
                              "--profile", "--ansi", "--progress", "--parallel"}


def compose_event(words, failed):
    project = "-"
    sub = None
    rest = []
    i = 0
    while i < len(words):
        w = words[i]
        if sub is None:
            if w in ("-p", "--project-name"):
                project = words[i + 1]
            if w.startswith("--project-name="):
                project = w.split("=", 1)[1]
            if w in COMPOSE_OPTIONS_WITH_VALUE:
                i += 2
                continue
            if w.startswith("-"):
                i += 1
                continue
            sub = w
        else:
            rest.append(w)
        i += 1
    if failed:
        return f"compose-failed {project} {sub}"
    if sub == "run":
        args = [w for w in rest if not w.startswith("-")]
        return f"compose-run {project} {args[0] if args else '-'}"
    if sub in ("build", "down", "up", "pull"):
        return f"compose-{sub} {project}"
    return f"compose-{sub} {project}"


def event(line):
    failed = " (failed: " in line
    line = line.split(" (", 1)[0] if (" (in " in line or failed or "(password on stdin)" in line) else line
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if not words:
        return None
    if words[0] == "docker-compose":
        return compose_event(words[1:], failed)
    if words[0] == "docker" and len(words) > 1 and words[1] == "compose":
        return compose_event(words[2:], failed)
    if words[0] == "docker" and len(words) > 1:
        if words[1] == "login":
            return "login"
        if words[1] == "build":
            tags = [words[i + 1] for i, w in enumerate(words) if w in ("-t", "--tag") and i + 1 < len(words)]
            return "build " + " ".join(tags)
        if words[1] == "push":
            return "push " + (words[2] if len(words) > 2 else "-")
        return None
    if words[0] == "script":
        path = words[1]
        name = path.rsplit("/", 1)[-1]
        args = " ".join(words[2:])
        if name == "migrate.sh":
            return f"migrate {path} {args}".rstrip()
        if name in ("apply.sh", "up.sh"):
            return f"deploy {path} {args}".rstrip()
        return f"script {path} {args}".rstrip()
    return None


def main(argv):
    if len(argv) != 2:
        print("usage: events.py LOG", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            e = event(line.rstrip("\n"))
            if e:
                print(e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
