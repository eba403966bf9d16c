#!/usr/bin/env python3
"""Writes every shell block of the CI files of the ci-* golden trees as a
file of its own, for check-scripts.sh to run through `sh -n` / `bash -n`
and shellcheck.

Usage: shell-blocks.py GOLDEN_DIR OUT_DIR

A block is what one shell runs: a Jenkins `sh` step (dialect sh: Jenkins
runs it with /bin/sh -xe), a GitHub `run` (bash, or its `shell:`), a GitLab
job's before_script and script together (sh), its after_script (sh, a shell
of its own). Each block starts with declarations of the variables the CI
system itself sets for it, `: "${NAME=}"`, so that shellcheck's SC2154
(referenced but not assigned) flags only the others:

  Jenkins  its builtins (EXECUTOR_NUMBER...), the pipeline's and the
           stage's environment, the variables of the withCredentials and
           withEnv around the step
  GitHub   its default variables (GITHUB_*, RUNNER_*, CI), the workflow's,
           the job's and the step's env, and what the job's earlier steps
           wrote to $GITHUB_ENV
  GitLab   its predefined variables (CI_*, GITLAB_*), the `variables` of the
           file and of the job, and the project's CI/CD variables: the
           credentials the Jenkinsfile of the same tree binds

Writes OUT_DIR/N.sh (the block), OUT_DIR/N.map (for each line of N.sh, the
line of the CI file it comes from; 0 for a declaration) and one line per
block in OUT_DIR/blocks: "N.sh<TAB>DIALECT<TAB>FILE<TAB>WHAT". Prints
findings that are not the shell's to stdout, one a line, "FILE:LINE: ..."
(a file that extract-steps.py cannot read; ${{ }} with secrets or
user-controlled text pasted into a GitHub `run`), and exits 1 when there
are any.
"""

import glob
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
_spec = importlib.util.spec_from_file_location("extract_steps", os.path.join(HERE, "extract-steps.py"))
ex = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ex)

GITHUB_DEFAULTS = {"CI", "HOME", "PATH", "GITHUB_ACTIONS", "GITHUB_ACTION", "GITHUB_ACTOR", "GITHUB_BASE_REF",
                   "GITHUB_ENV", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_HEAD_REF", "GITHUB_JOB",
                   "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_REF", "GITHUB_REF_NAME", "GITHUB_REF_TYPE",
                   "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_OWNER", "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER",
                   "GITHUB_RUN_ATTEMPT", "GITHUB_SERVER_URL", "GITHUB_SHA", "GITHUB_STEP_SUMMARY",
                   "GITHUB_WORKFLOW", "GITHUB_WORKSPACE", "RUNNER_ARCH", "RUNNER_NAME", "RUNNER_OS",
                   "RUNNER_TEMP", "RUNNER_TOOL_CACHE"}
# Text anyone who opens a pull request controls, and secrets: pasted into a
# script by ${{ }}, the first can inject commands, the second ends up in
# the script file on the runner.
GITHUB_UNSAFE = re.compile(r"\$\{\{[^}]*\b(secrets\.|github\.event\.|github\.head_ref|inputs\.)[^}]*\}\}")
WRITES_GITHUB_ENV = re.compile(r"GITHUB_ENV")
ENV_FILE_NAME = re.compile(r"""(?:^|[\s"'(])([A-Za-z_][A-Za-z0-9_]*)(?:=|<<)""")


class Writer:
    def __init__(self, out):
        self.out = out
        self.n = 0
        self.index = open(os.path.join(out, "blocks"), "w", encoding="utf-8")
        self.findings = []

    def block(self, dialect, source, what, lines, declared):
        """lines: [(text, source line)]; declared: the CI system's variables."""
        self.n += 1
        name = f"{self.n}.sh"
        header = []
        if declared:
            header.append("# Set by the CI system (check-scripts.sh):")
            names = sorted(declared)
            for i in range(0, len(names), 6):
                header.append(": " + " ".join(f'"${{{v}=}}"' for v in names[i:i + 6]))
        with open(os.path.join(self.out, name), "w", encoding="utf-8") as f:
            f.write("".join(h + "\n" for h in header))
            f.write("".join(text + "\n" for text, _ in lines))
        with open(os.path.join(self.out, f"{self.n}.map"), "w", encoding="utf-8") as f:
            f.write("".join("0\n" for _ in header))
            f.write("".join(f"{line}\n" for _, line in lines))
        self.index.write(f"{name}\t{dialect}\t{source}\t{what}\n")

    def finding(self, source, line, message):
        self.findings.append(f"{source}:{line}: {message}")


def script_lines(script, first_line):
    """A script's lines, each with its line in the CI file (a Jenkins string
    or a YAML block scalar keeps its lines as they are)."""
    return [(text, first_line + i if first_line else 0) for i, text in enumerate(script.split("\n"))]


def github_placeholders(script):
    # ${{ }} is replaced before the shell sees the script: shellcheck sees a word.
    return re.sub(r"\$\{\{.*?\}\}", "GHA_EXPRESSION", script, flags=re.S)


def referenced(script):
    return ex.shell_referenced(script)


def jenkins(w, path, data):
    env = set(data["environment"])
    for st in data["stages"]:
        stage_env = env | set(st["environment"])
        for part, cmds in [("steps", st["commands"])] + [(f"post {k}", v) for k, v in st["post"].items()]:
            for c in cmds:
                declared = stage_env | set(c["bound_env"]) | set(c["env"])
                declared |= referenced(c["script"]) & ex.JENKINS_BUILTINS
                w.block("sh", path, f"stage {st['name']}, {part}", script_lines(c["script"], c["line"]), declared)
    for cond, cmds in (data.get("post") or {}).items():
        for c in cmds:
            declared = env | set(c["bound_env"]) | set(c["env"]) | (referenced(c["script"]) & ex.JENKINS_BUILTINS)
            w.block("sh", path, f"post {cond}", script_lines(c["script"], c["line"]), declared)


def github(w, path, data):
    wf_env = set(data["environment"])
    for job in data["stages"]:
        from_env_file = set()
        for step in job["commands"]:
            if "script" not in step:
                continue
            m = GITHUB_UNSAFE.search(step["script"])
            if m:
                w.finding(path, step["line"], f"job {job['name']}: {m.group(0)} is pasted into the script "
                          "of a run step; pass it through the step's env: and use the variable")
            script = github_placeholders(step["script"])
            declared = (wf_env | set(job["environment"]) | set(step["env"]) | from_env_file |
                        (referenced(script) & GITHUB_DEFAULTS))
            shell = step["shell"]
            dialect = {"default": "bash", "bash": "bash", "sh": "sh"}.get(shell)
            if dialect is None:
                w.finding(path, step["line"], f"job {job['name']}: unsupported shell {shell}")
                continue
            w.block(dialect, path, f"job {job['name']}, step {step.get('name') or step['line']}",
                    script_lines(script, step["line"]), declared)
            for line in step["script"].split("\n"):
                if WRITES_GITHUB_ENV.search(line):
                    from_env_file |= set(ENV_FILE_NAME.findall(line.split(">>")[0]))


def gitlab(w, path, data, project_variables):
    global_vars = set(data["environment"])
    for job in data["stages"]:
        declared_base = global_vars | set(job["environment"]) | set(project_variables)
        for r in job.get("rules") or []:
            declared_base |= set(r["variables"])
        for what, cmds in (("before_script and script", job["commands"]), ("after_script", job["teardown"])):
            if not cmds:
                continue
            lines = []
            for c in cmds:
                lines += script_lines(c["script"], c["line"])
            text = "\n".join(t for t, _ in lines)
            predefined = {v for v in referenced(text)
                          if v.startswith(ex.GITLAB_PREDEFINED_PREFIXES) or v in ex.GITLAB_PREDEFINED}
            w.block("sh", path, f"job {job['name']}, {what}", lines, declared_base | predefined)


def main(argv):
    if len(argv) != 3:
        print("usage: shell-blocks.py GOLDEN_DIR OUT_DIR", file=sys.stderr)
        return 2
    golden, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    w = Writer(out)
    trees = sorted(glob.glob(os.path.join(golden, "ci-*", "expected")))
    if not trees:
        print(f"shell-blocks: no ci-* golden trees under {golden}", file=sys.stderr)
        return 1
    for tree in trees:
        files = [os.path.join(tree, "Jenkinsfile")]
        files += sorted(glob.glob(os.path.join(tree, ".github", "workflows", "*.yml")))
        files += [os.path.join(tree, ".gitlab-ci.yml")]
        project_variables = []
        for path in files:
            rel = os.path.relpath(path, os.path.dirname(golden.rstrip("/")))
            if not os.path.exists(path):
                w.finding(rel, 0, "missing")
                continue
            try:
                data = ex.extract(path)
            except ex.ExtractError as e:
                w.finding(rel, 0, f"extract-steps.py cannot read it: {e}")
                continue
            if data["system"] == "jenkins":
                project_variables = data["bound_env"]
                jenkins(w, rel, data)
            elif data["system"] == "github":
                github(w, rel, data)
            else:
                gitlab(w, rel, data, project_variables)
    w.index.close()
    for f in w.findings:
        print(f)
    return 1 if w.findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
