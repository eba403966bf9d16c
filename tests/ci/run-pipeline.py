#!/usr/bin/env python3
"""Runs the commands of one generated CI file as its CI system would.

Usage: run-pipeline.py --file FILE --workspace DIR --scenario deploy|branch|pr
                       --tmp DIR --path PATH [--sha SHA] [--timeout SECONDS]
                       [--ci-variable NAME]... [--ci-file-variable NAME]...

FILE is read with extract-steps.py. Each stage (job) runs in a copy of DIR
(GitHub and GitLab jobs each in a fresh copy, Jenkins stages in one
workspace), in a clean environment: PATH, HOME, LANG, the FAKE_* variables of
the caller (for the fake tools), and what the CI system itself gives:

  Jenkins  a multibranch build (BRANCH_NAME, CHANGE_ID for a pull request,
           EXECUTOR_NUMBER=3, WORKSPACE...); `environment` values, sh(...)
           included; `when` conditions; withCredentials bindings with fake
           values (file credentials as files); each `sh` step as `sh -xe`;
           post { always / success / failure / cleanup } after the steps
  GitHub   the `on:` filters; jobs in `needs` order with their `if:` (and
           the implicit success() of the jobs they need); each `run` as
           `bash -e` (or its `shell:`), steps' `if:` with success() /
           failure() / always(); ${{ }} expressions; $GITHUB_ENV,
           $GITHUB_PATH and $GITHUB_OUTPUT between the steps of a job;
           secrets.NAME is "fake-NAME"; a fresh $RUNNER_TEMP per job
  GitLab   workflow:rules, the jobs' rules (or only/except), stages in order;
           `variables` expanded; before_script and script in one `sh -e`,
           after_script in a shell of its own whatever happened, its failure
           ignored; the project's CI/CD variables (--ci-variable as
           "fake-NAME", --ci-file-variable as a file holding it)

A GitLab job runs without the tools its image is known to lack (the docker
image has no aws, kubectl or bash...), a GitHub job on ubuntu-* without
docker-compose (Compose v1); see GITLAB_IMAGE_LACKS.

A failed stage stops the ones after it (but GitHub steps/jobs and GitLab jobs
whose condition says otherwise). Scenario `deploy` is a push to the deploy
branch (the branch the file's conditions compare with), `branch` a push to
feature/login, `pr` a pull request from feature/login into the deploy branch.

Prints one line per stage, "stage<TAB>NAME<TAB>success|failure|skipped",
then "pipeline<TAB>success|failure|not-triggered". The commands' output goes
to TMP/transcript, and the steps of the deployment the fakes recorded in
$FAKE_LOG (events.py) to TMP/events. Exit 0 when the simulation ran (whatever the pipeline's
result), 2 when the file asks for something it cannot simulate.
"""

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
_spec = importlib.util.spec_from_file_location("extract_steps", os.path.join(HERE, "extract-steps.py"))
ex = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ex)
_spec = importlib.util.spec_from_file_location("events", os.path.join(HERE, "events.py"))
events = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(events)

FEATURE = "feature/login"
PR_NUMBER = "12"


class SimulationError(Exception):
    pass


# What a job's machine lacks of the tools the fakes stand for (and bash),
# where that is known for sure: the image of a GitLab job, the runner of a
# GitHub job. A job elsewhere (a Jenkins agent, another image) gets them all.
GITLAB_IMAGE_LACKS = [
    # The official Docker image: Alpine, busybox sh, the docker CLI with its
    # compose and buildx plugins.
    (re.compile(r"^(docker\.io/)?(library/)?docker(:|$)"), {"aws", "kubectl", "bash"}),
    (re.compile(r"^(docker\.io/)?amazon/aws-cli(:|$)"), {"docker", "docker-compose", "kubectl"}),
    (re.compile(r"^(docker\.io/)?alpine/k8s(:|$)"), {"docker", "docker-compose"}),
]
# GitHub's Ubuntu runners have Compose v2 (docker compose) only since 2024.
GITHUB_RUNNER_LACKS = [(re.compile(r"^ubuntu-"), {"docker-compose"})]


def truthy(v):
    return not (v is None or v is False or v == "" or v == 0)


def to_text(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def glob_regex(pattern):
    """GitHub filter patterns: * stops at /, ** does not."""
    out = ""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            continue
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "."
        elif c == "+":
            out += "+"
        elif c == "[":
            j = pattern.index("]", i)
            out += pattern[i:j + 1]
            i = j
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + r"\Z")


def filter_matches(patterns, value):
    """A GitHub branches: list, with !negations; None matches everything."""
    if patterns is None:
        return True
    if isinstance(patterns, str):
        patterns = [patterns]
    result = False
    for p in patterns:
        p = str(p)
        if p.startswith("!"):
            if glob_regex(p[1:]).match(value):
                result = False
        elif glob_regex(p).match(value):
            result = True
    return result


_extracted = {}


def extract_cached(path):
    if path not in _extracted:
        _extracted[path] = ex.extract(path)
    return _extracted[path]


class Runner:
    def __init__(self, args, fake_env):
        self.args = args
        self.data = extract_cached(args.file)
        self.system = self.data["system"]
        db = self.data.get("deploy_branch")
        self.branch = db if isinstance(db, str) and not db.startswith("$") else "main"
        self.sha = args.sha
        self.tmp = os.path.abspath(args.tmp)
        os.makedirs(self.tmp, exist_ok=True)
        self.transcript = open(os.path.join(self.tmp, "transcript"), "a", encoding="utf-8")
        self.counter = 0
        self.base = {
            "PATH": args.path,
            "HOME": os.path.join(self.tmp, "home"),
            "LANG": "C.UTF-8",
            "TMPDIR": os.path.join(self.tmp, "tmp"),
        }
        os.makedirs(self.base["HOME"], exist_ok=True)
        os.makedirs(self.base["TMPDIR"], exist_ok=True)
        for k, v in fake_env.items():
            if k.startswith("FAKE_"):
                self.base[k] = v
        self.base["FAKE_SHA"] = self.sha
        self.base["FAKE_COMPOSE_REQUIRED"] = " ".join(self.throwaway_secrets())
        self.lines = []

    # -- helpers -------------------------------------------------------------

    def throwaway_secrets(self):
        names = []
        for st in self.data["stages"]:
            for c in st["commands"] + st["teardown"]:
                for n in re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)=\"?\$\([^)]*urandom", c.get("script", "")):
                    if n not in names:
                        names.append(n)
        return names

    def path_without(self, lacks):
        """self.base's PATH, without the commands in lacks."""
        if not lacks:
            return self.base["PATH"]
        key = "-".join(sorted(lacks))
        out = []
        for i, d in enumerate(self.base["PATH"].split(":")):
            filtered = os.path.join(self.tmp, f"path-{key}", str(i))
            if not os.path.isdir(filtered):
                os.makedirs(filtered)
                for name in os.listdir(d) if os.path.isdir(d) else []:
                    if name not in lacks:
                        os.symlink(os.path.join(d, name), os.path.join(filtered, name))
            out.append(filtered)
        return ":".join(out)

    @staticmethod
    def lacks(table, name):
        for rx, lacking in table:
            if name and rx.match(str(name)):
                return lacking
        return set()

    def workspace(self, label):
        self.counter += 1
        ws = os.path.join(self.tmp, f"ws-{self.counter}-{re.sub(r'[^A-Za-z0-9]+', '-', label)}")
        shutil.copytree(self.args.workspace, ws, symlinks=True)
        return ws

    def note(self, text):
        self.transcript.write(text + "\n")
        self.transcript.flush()

    def shell(self, argv, script, env, cwd, label, capture=False):
        self.counter += 1
        path = os.path.join(self.tmp, f"script-{self.counter}.sh")
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        env = dict(env)
        env.setdefault("FAKE_ROOT", cwd)
        env["FAKE_BASE_NAMES"] = " ".join(sorted(set(env.get("FAKE_BASE_NAMES", "").split()) | {"FAKE_BASE_NAMES"}))
        self.note(f"--- {label}: {' '.join(argv)} (in {cwd})\n{script.rstrip()}\n--- output:")
        try:
            p = subprocess.run(argv + [path], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE if capture else self.transcript,
                               stderr=self.transcript, timeout=self.args.timeout)
            rc = p.returncode
            out = p.stdout.decode() if capture else None
        except subprocess.TimeoutExpired:
            rc, out = 124, None
            self.note(f"(timed out after {self.args.timeout}s)")
        self.note(f"--- exit {rc}")
        return (rc, out) if capture else rc

    def stage_line(self, name, status):
        self.lines.append(f"stage\t{name}\t{status}")

    def fake_file(self, name, content):
        d = os.path.join(self.tmp, "secret-files")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        return path

    # -- expressions ---------------------------------------------------------

    def evaluate(self, e, lookup, functions=None, case_insensitive=False):
        if "lit" in e:
            return e["lit"]
        if "var" in e or "ctx" in e:
            return lookup(e.get("var") or e.get("ctx"))
        if "regex" in e:
            return e
        if "jenkins" in e:
            return lookup(e)
        if "call" in e:
            args = [self.evaluate(a, lookup, functions, case_insensitive) for a in e["args"]]
            if functions is None or e["call"] not in functions:
                raise SimulationError(f"unsupported function {e['call']}()")
            return functions[e["call"]](*args)
        if "method" in e:
            target = to_text(self.evaluate(e["target"], lookup, functions, case_insensitive))
            args = [to_text(self.evaluate(a, lookup, functions, case_insensitive)) for a in e["args"]]
            m = e["method"]
            if m == "startsWith":
                return target.startswith(args[0])
            if m == "endsWith":
                return target.endswith(args[0])
            if m in ("equals",):
                return target == args[0]
            if m == "contains":
                return args[0] in target
            if m == "matches":
                return re.fullmatch(args[0], target) is not None
            if m == "trim":
                return target.strip()
            raise SimulationError(f"unsupported method .{m}()")
        op = e["op"]
        if op == "&&":
            a = self.evaluate(e["args"][0], lookup, functions, case_insensitive)
            return self.evaluate(e["args"][1], lookup, functions, case_insensitive) if truthy(a) else a
        if op == "||":
            a = self.evaluate(e["args"][0], lookup, functions, case_insensitive)
            return a if truthy(a) else self.evaluate(e["args"][1], lookup, functions, case_insensitive)
        if op == "?:":
            a = self.evaluate(e["args"][0], lookup, functions, case_insensitive)
            return a if truthy(a) else self.evaluate(e["args"][1], lookup, functions, case_insensitive)
        if op == "!":
            return not truthy(self.evaluate(e["args"][0], lookup, functions, case_insensitive))
        if op == "present":
            return truthy(self.evaluate(e["args"][0], lookup, functions, case_insensitive))
        a = self.evaluate(e["args"][0], lookup, functions, case_insensitive)
        b = self.evaluate(e["args"][1], lookup, functions, case_insensitive)
        if op in ("==", "!="):
            if case_insensitive and isinstance(a, str) and isinstance(b, str):
                a, b = a.lower(), b.lower()
            return (a == b) if op == "==" else (a != b)
        if op in ("=~", "!~", "==~"):
            if isinstance(b, dict):
                flags = re.I if "i" in b.get("flags", "") else 0
                pattern = b["regex"]
            else:
                flags, pattern = 0, to_text(b)
            if op == "==~":
                return re.fullmatch(pattern, to_text(a), flags) is not None
            found = a is not None and re.search(pattern, to_text(a), flags) is not None
            return found if op == "=~" else not found
        if op in ("<", "<=", ">", ">="):
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        raise SimulationError(f"unsupported operator {op}")

    # -- Jenkins -------------------------------------------------------------

    def run_jenkins(self):
        d = self.data
        scenario = {
            "deploy": {"BRANCH_NAME": self.branch, "GIT_BRANCH": self.branch, "BRANCH_IS_PRIMARY": "true"},
            "branch": {"BRANCH_NAME": FEATURE, "GIT_BRANCH": FEATURE},
            "pr": {"BRANCH_NAME": f"PR-{PR_NUMBER}", "GIT_BRANCH": f"PR-{PR_NUMBER}", "CHANGE_ID": PR_NUMBER,
                   "CHANGE_TARGET": self.branch, "CHANGE_BRANCH": FEATURE},
        }[self.args.scenario]
        ws = self.workspace("jenkins")
        env = dict(self.base)
        env.update(scenario)
        env.update({
            "CI": "true", "EXECUTOR_NUMBER": "3", "BUILD_NUMBER": "17", "BUILD_ID": "17",
            "JOB_NAME": f"webapp/{scenario['BRANCH_NAME']}", "JOB_BASE_NAME": scenario["BRANCH_NAME"],
            "BUILD_TAG": "jenkins-webapp-17", "JENKINS_URL": "http://jenkins.invalid/",
            "BUILD_URL": "http://jenkins.invalid/job/webapp/17/", "NODE_NAME": "agent-1",
            "WORKSPACE": ws, "WORKSPACE_TMP": ws + "@tmp", "GIT_COMMIT": self.sha, "FAKE_ROOT": ws,
        })
        os.makedirs(env["WORKSPACE_TMP"], exist_ok=True)
        env["FAKE_BASE_NAMES"] = " ".join(sorted(env))

        def lookup(x):
            if isinstance(x, dict):  # a `when` condition of its own
                if x["jenkins"] == "branch":
                    name = env.get("BRANCH_NAME")
                    if name is None:
                        return False
                    if x["comparator"] == "REGEXP":
                        return re.fullmatch(x["pattern"], name) is not None
                    if x["comparator"] == "EQUALS":
                        return name == x["pattern"]
                    return glob_regex(x["pattern"]).match(name) is not None
                if x["jenkins"] == "changeRequest":
                    return "CHANGE_ID" in env
                if x["jenkins"] == "environment":
                    return env.get(x["name"]) == x["value"]
                if x["jenkins"] == "buildingTag":
                    return "TAG_NAME" in env
                raise SimulationError(f"unsupported condition {x}")
            return env.get(x)

        def env_value(name, spec, into):
            if "literal" in spec:
                return spec["literal"]
            if "sh" in spec:
                rc, out = self.shell(["sh", "-xe"], spec["sh"], into, ws, f"environment {name}", capture=True)
                if rc != 0:
                    return None
                return out.strip() if spec["trim"] else out
            if "credentials" in spec:
                return f"fake-{name}"
            raise SimulationError(f"environment {name}: unsupported value")

        def run_steps(cmds, stage_env):
            for c in cmds:
                e = dict(stage_env)
                e.update(c["env"])
                for b in c["bindings"]:
                    for role, var in b["variables"].items():
                        if role == "file":
                            e[var] = self.fake_file(f"{b['id']}-{var}", f"fake-{var}\n")
                        else:
                            e[var] = f"fake-{var}"
                cwd = os.path.join(ws, c["dir"]) if c["dir"] else ws
                script = c["script"]
                argv = [] if script.startswith("#!") else ["sh", "-xe"]
                if not argv:
                    first = script.split("\n", 1)[0][2:].split()
                    argv = first
                if self.shell(argv, script, e, cwd, f"stage {st['name']}") != 0:
                    return False
            return True

        for name, spec in d["environment"].items():
            v = env_value(name, spec, env)
            if v is None:
                self.lines.append("pipeline\tfailure")
                return
            env[name] = v
        failed = False
        for st in d["stages"]:
            if failed:
                self.stage_line(st["name"], "skipped")
                continue
            if st["condition"] is not None and not truthy(self.evaluate(st["condition"], lookup)):
                self.stage_line(st["name"], "skipped")
                continue
            stage_env = dict(env)
            ok = True
            for name, spec in st["environment"].items():
                v = env_value(name, spec, stage_env)
                if v is None:
                    ok = False
                    break
                stage_env[name] = v
            ok = ok and run_steps(st["commands"], stage_env)
            post = st["post"]
            if not run_steps(post.get("always", []), stage_env):
                ok = False
            if not run_steps(post.get("success" if ok else "failure", []), stage_env):
                ok = False
            if not ok:
                run_steps(post.get("unsuccessful", []), stage_env)
            if not run_steps(post.get("cleanup", []), stage_env):
                ok = False
            self.stage_line(st["name"], "success" if ok else "failure")
            failed = not ok
        post = d.get("post") or {}
        ok = not failed
        for cond in ("always", "success" if ok else "failure", "cleanup"):
            for c in post.get(cond, []):
                if self.shell(["sh", "-xe"], c["script"], env, ws, f"post {cond}") != 0:
                    ok = False
        self.lines.append(f"pipeline\t{'success' if ok else 'failure'}")

    # -- GitHub Actions --------------------------------------------------------

    def github_event(self):
        if self.args.scenario == "deploy":
            return {"event_name": "push", "ref": f"refs/heads/{self.branch}", "ref_name": self.branch,
                    "head_ref": "", "base_ref": ""}
        if self.args.scenario == "branch":
            return {"event_name": "push", "ref": f"refs/heads/{FEATURE}", "ref_name": FEATURE,
                    "head_ref": "", "base_ref": ""}
        return {"event_name": "pull_request", "ref": f"refs/pull/{PR_NUMBER}/merge",
                "ref_name": f"{PR_NUMBER}/merge", "head_ref": FEATURE, "base_ref": self.branch}

    def github_triggered(self, ev):
        on = self.data["on"]
        if isinstance(on, str):
            on = {on: None}
        elif isinstance(on, list):
            on = {str(e): None for e in on}
        name = ev["event_name"]
        if name not in on:
            return False
        filters = on[name] or {}
        if name == "push":
            if "branches" in filters or "branches-ignore" in filters:
                if "branches" in filters:
                    return filter_matches(filters["branches"], ev["ref_name"])
                return not filter_matches(filters["branches-ignore"], ev["ref_name"])
            return "tags" not in filters and "tags-ignore" not in filters or "branches" in filters
        if name == "pull_request":
            types = filters.get("types", ["opened", "synchronize", "reopened"])
            if "opened" not in types and "synchronize" not in types:
                return False
            if "branches" in filters:
                return filter_matches(filters["branches"], ev["base_ref"])
            if "branches-ignore" in filters:
                return not filter_matches(filters["branches-ignore"], ev["base_ref"])
            return True
        return True

    def run_github(self):
        d = self.data
        ev = self.github_event()
        if not self.github_triggered(ev):
            for st in d["stages"]:
                self.stage_line(st["name"], "skipped")
            self.lines.append("pipeline\tnot-triggered")
            return
        results = {}
        outputs = {}
        for job in d["stages"]:
            key = job["name"]
            needs = job["needs"]
            needs_ok = all(results[n] == "success" for n in needs)
            needs_failed = any(results[n] == "failure" for n in needs)
            def lookup(path):
                return self.github_context(path, ev, {}, results, outputs, None, None)

            job_functions = {"always": lambda: True, "success": lambda: needs_ok,
                             "failure": lambda: needs_failed, "cancelled": lambda: False}
            job_functions.update(self.github_functions())
            cond = job["condition"]
            if cond is None:
                run = needs_ok
            elif ex.uses_status_function(cond):
                run = truthy(self.evaluate(cond, lookup, job_functions, True))
            else:
                run = needs_ok and truthy(self.evaluate(cond, lookup, job_functions, True))
            if not run:
                results[key] = "skipped"
                self.stage_line(key, "skipped")
                continue
            results[key] = self.github_job(job, ev, results, outputs)
            self.stage_line(key, results[key])
        ok = all(r != "failure" for r in results.values())
        self.lines.append(f"pipeline\t{'success' if ok else 'failure'}")

    def github_functions(self):
        def contains(a, b):
            if isinstance(a, list):
                return any(to_text(x).lower() == to_text(b).lower() for x in a)
            return to_text(b).lower() in to_text(a).lower()
        return {
            "contains": contains,
            "startswith": lambda a, b: to_text(a).lower().startswith(to_text(b).lower()),
            "endswith": lambda a, b: to_text(a).lower().endswith(to_text(b).lower()),
            "format": lambda f, *a: re.sub(r"\{(\d+)\}", lambda m: to_text(a[int(m.group(1))]), to_text(f)),
        }

    def github_context(self, path, ev, env, results, outputs, steps, job):
        parts = path.split(".")
        head = parts[0]
        if head == "github":
            rest = ".".join(parts[1:])
            values = dict(ev)
            values.update({"sha": self.sha, "repository": "example/webapp", "repository_owner": "example",
                           "actor": "octocat", "run_id": "1001", "run_number": "7", "workspace": env.get(
                               "GITHUB_WORKSPACE", ""), "job": env.get("GITHUB_JOB", "")})
            if rest in values:
                return values[rest]
            if rest == "event.pull_request.number" and ev["event_name"] == "pull_request":
                return float(PR_NUMBER)
            if rest.startswith("event."):
                return None
            raise SimulationError(f"unsupported context {path}")
        if head == "secrets" and len(parts) == 2:
            return f"fake-{parts[1]}"
        if head == "vars" and len(parts) == 2:
            return ""
        if head == "env" and len(parts) == 2:
            return env.get(parts[1], "")
        if head == "runner" and len(parts) == 2:
            return {"temp": env.get("RUNNER_TEMP", ""), "os": "Linux", "arch": "X64"}.get(parts[1], "")
        if head == "needs" and len(parts) >= 3:
            if parts[2] == "result":
                return results.get(parts[1])
            if parts[2] == "outputs" and len(parts) == 4:
                return outputs.get(parts[1], {}).get(parts[3], "")
        if head == "steps" and steps is not None and len(parts) == 4 and parts[2] == "outputs":
            return steps.get(parts[1], {}).get(parts[3], "")
        if head == "steps" and steps is not None and len(parts) == 3 and parts[2] in ("outcome", "conclusion"):
            return steps.get(parts[1], {}).get("__" + parts[2], "")
        if head == "job" and path == "job.status":
            return job
        raise SimulationError(f"unsupported context {path}")

    def substitute(self, text, lookup, functions):
        def one(m):
            return to_text(self.evaluate(ex.parse_github_expr(self.args.file, m.group(1)), lookup, functions, True))
        return re.sub(r"\$\{\{(.*?)\}\}", one, text, flags=re.S)

    @staticmethod
    def read_env_file(path):
        values = {}
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines):
            ln = lines[i]
            i += 1
            if not ln.strip():
                continue
            m = re.match(r"([^=<\s]+)<<(.+)$", ln)
            if m:
                value = []
                while i < len(lines) and lines[i] != m.group(2):
                    value.append(lines[i])
                    i += 1
                if i >= len(lines):
                    raise SimulationError(f"{path}: {m.group(1)}<<{m.group(2)} is never closed")
                i += 1
                values[m.group(1)] = "\n".join(value)
            elif "=" in ln:
                k, _, v = ln.partition("=")
                values[k] = v
            else:
                raise SimulationError(f"an environment file line without '=': {ln!r}")
        return values

    def github_job(self, job, ev, results, all_outputs):
        key = job["name"]
        ws = self.workspace(key)
        jobdir = os.path.join(self.tmp, f"job-{self.counter}")
        os.makedirs(os.path.join(jobdir, "runner-temp"))
        sysenv = dict(self.base)
        sysenv.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": ws, "GITHUB_SHA": self.sha,
            "GITHUB_REF": ev["ref"], "GITHUB_REF_NAME": ev["ref_name"], "GITHUB_EVENT_NAME": ev["event_name"],
            "GITHUB_HEAD_REF": ev["head_ref"], "GITHUB_BASE_REF": ev["base_ref"],
            "GITHUB_REPOSITORY": "example/webapp", "GITHUB_RUN_ID": "1001", "GITHUB_RUN_NUMBER": "7",
            "GITHUB_JOB": key, "RUNNER_TEMP": os.path.join(jobdir, "runner-temp"), "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64", "FAKE_ROOT": ws,
            "GITHUB_STEP_SUMMARY": os.path.join(jobdir, "summary"),
        })
        sysenv["PATH"] = self.path_without(self.lacks(GITHUB_RUNNER_LACKS, job.get("runs_on")))
        sysenv["FAKE_BASE_NAMES"] = " ".join(sorted(set(sysenv) | {"GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH"}))
        steps_state = {}
        set_env = {}
        extra_path = []
        failed = False
        job_env = {}

        def lookup_with(env):
            return lambda p: self.github_context(p, ev, env, results, all_outputs, steps_state,
                                                 "failure" if failed else "success")

        functions = self.github_functions()
        base_env = dict(sysenv)
        for k, v in self.data["environment"].items():
            base_env[k] = self.substitute(v, lookup_with(base_env), functions)
        for k, v in job["environment"].items():
            job_env[k] = self.substitute(v, lookup_with(base_env), functions)
        base_env.update(job_env)
        for n, step in enumerate(job["commands"]):
            env = dict(base_env)
            env.update(set_env)
            if extra_path:
                env["PATH"] = ":".join(reversed(extra_path)) + ":" + env["PATH"]
            step_functions = dict(functions)
            step_functions.update({"always": lambda: True, "success": lambda: not failed,
                                   "failure": lambda: failed, "cancelled": lambda: False})
            cond = step["if_ast"]
            if cond is None:
                run = not failed
            elif ex.uses_status_function(cond):
                run = truthy(self.evaluate(cond, lookup_with(env), step_functions, True))
            else:
                run = not failed and truthy(self.evaluate(cond, lookup_with(env), step_functions, True))
            sid = step.get("id") or f"__{n}"
            if not run:
                steps_state[sid] = {"__outcome": "skipped", "__conclusion": "skipped"}
                continue
            for k, v in step["env"].items():
                env[k] = self.substitute(v, lookup_with(env), step_functions)
            if "uses" in step:
                action = step["uses"].split("@")[0]
                if action != "actions/checkout":
                    raise SimulationError(f"job {key}: cannot simulate action {step['uses']}")
                steps_state[sid] = {"__outcome": "success", "__conclusion": "success"}
                continue
            files = {}
            for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH"):
                files[name] = os.path.join(jobdir, f"{name.lower()}-{n}")
                open(files[name], "w").close()
                env[name] = files[name]
            shell = step["shell"]
            argv = {"default": ["bash", "-e"], "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
                    "sh": ["sh", "-e"]}.get(shell)
            if argv is None:
                raise SimulationError(f"job {key}: unsupported shell {shell}")
            script = self.substitute(step["script"], lookup_with(env), step_functions)
            cwd = os.path.join(ws, step["dir"]) if step.get("dir") else ws
            rc = self.shell(argv, script, env, cwd, f"job {key} step {step.get('name') or n}")
            set_env.update(self.read_env_file(files["GITHUB_ENV"]))
            outputs = self.read_env_file(files["GITHUB_OUTPUT"])
            with open(files["GITHUB_PATH"], encoding="utf-8") as f:
                extra_path += [p for p in f.read().split("\n") if p]
            outcome = "success" if rc == 0 else "failure"
            steps_state[sid] = dict(outputs, __outcome=outcome, __conclusion=outcome)
            if rc != 0:
                failed = True
        all_outputs[key] = {k: self.substitute(v, lookup_with(base_env), functions)
                            for k, v in job["outputs"].items()}
        return "failure" if failed else "success"

    # -- GitLab CI -------------------------------------------------------------

    def gitlab_pipeline_vars(self):
        sha = self.sha
        common = {"CI": "true", "GITLAB_CI": "true", "CI_COMMIT_SHA": sha, "CI_COMMIT_SHORT_SHA": sha[:8],
                  "CI_DEFAULT_BRANCH": self.branch, "CI_PIPELINE_ID": "501", "CI_PIPELINE_IID": "42",
                  "CI_PROJECT_NAME": "webapp", "CI_PROJECT_PATH": "example/webapp",
                  "CI_PROJECT_NAMESPACE": "example", "CI_SERVER_URL": "https://gitlab.invalid",
                  "CI_SERVER_HOST": "gitlab.invalid", "CI_REGISTRY": "registry.gitlab.invalid",
                  "CI_REGISTRY_IMAGE": "registry.gitlab.invalid/example/webapp", "CI_COMMIT_TAG": None}
        slug = lambda b: re.sub(r"[^a-z0-9]+", "-", b.lower()).strip("-")[:63]  # noqa: E731
        if self.args.scenario in ("deploy", "branch"):
            b = self.branch if self.args.scenario == "deploy" else FEATURE
            common.update({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": b, "CI_COMMIT_REF_NAME": b,
                           "CI_COMMIT_REF_SLUG": slug(b)})
        else:
            common.update({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_REF_NAME": FEATURE,
                           "CI_COMMIT_REF_SLUG": slug(FEATURE), "CI_MERGE_REQUEST_IID": PR_NUMBER,
                           "CI_MERGE_REQUEST_ID": "9012",
                           "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": FEATURE,
                           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": self.branch,
                           "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result"})
        return {k: v for k, v in common.items() if v is not None}

    @staticmethod
    def gitlab_expand(value, env):
        def one(m):
            if m.group(0) == "$$":
                return "$"
            return env.get(m.group(1) or m.group(2), "")
        return re.sub(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", one, value)

    def gitlab_refs_match(self, refs, pv):
        source = pv["CI_PIPELINE_SOURCE"]
        if isinstance(refs, dict):
            refs = refs.get("refs", [])
        for r in refs or []:
            r = str(r)
            if r == "branches" and source != "merge_request_event":
                return True
            if r == "merge_requests" and source == "merge_request_event":
                return True
            if r == "tags":
                continue
            if r.startswith("/") and source != "merge_request_event":
                m = re.fullmatch(r"/(.*)/([a-z]*)", r)
                if re.search(m.group(1), pv["CI_COMMIT_REF_NAME"], re.I if "i" in m.group(2) else 0):
                    return True
            elif r == pv["CI_COMMIT_REF_NAME"] and source != "merge_request_event":
                return True
        return False

    def run_gitlab(self):
        d = self.data
        pv = self.gitlab_pipeline_vars()
        project = {}
        for n in self.args.ci_variable:
            project[n] = f"fake-{n}"
        for n in self.args.ci_file_variable:
            project[n] = self.fake_file(f"gitlab-{n}", f"fake-{n}\n")

        def lookup(env):
            return lambda name: env.get(name)

        rule_env = dict(project)
        rule_env.update(pv)
        for k, v in d["environment"].items():
            rule_env[k] = self.gitlab_expand(v, rule_env)
        if d.get("workflow_rules") is not None:
            chosen = None
            for r in d["workflow_rules"]:
                if r["if"] is None or truthy(self.evaluate(r["if"], lookup(rule_env))):
                    chosen = r
                    break
            if chosen is None or chosen["when"] == "never":
                for st in d["stages"]:
                    self.stage_line(st["name"], "skipped")
                self.lines.append("pipeline\tnot-triggered")
                return
        plan = []
        for st in d["stages"]:
            when, extra = None, {}
            if st["rules"]:
                for r in st["rules"]:
                    if r["if"] is None or truthy(self.evaluate(r["if"], lookup(rule_env))):
                        when, extra = r["when"], r["variables"]
                        break
            elif st["only"] is not None or st["except"] is not None:
                included = st["only"] is None or self.gitlab_refs_match(st["only"], pv)
                if st["except"] is not None and self.gitlab_refs_match(st["except"], pv):
                    included = False
                when = st["when"] if included else None
            elif d.get("workflow_rules") is not None:
                # With workflow:rules, a job without rules runs in every
                # pipeline the workflow lets through.
                when = st["when"]
            else:
                # Otherwise it has the default `only: [branches, tags]`.
                when = st["when"] if pv["CI_PIPELINE_SOURCE"] != "merge_request_event" else None
            if when == "never":
                when = None
            plan.append((st, when, extra))
        if all(w is None for _, w, _ in plan):
            for st in d["stages"]:
                self.stage_line(st["name"], "skipped")
            self.lines.append("pipeline\tnot-triggered")
            return
        failed = False
        for st, when, extra in plan:
            run = (when == "on_success" and not failed) or when == "always" or (when == "on_failure" and failed)
            if not run:
                self.stage_line(st["name"], "skipped")
                continue
            ws = self.workspace(st["name"])
            env = dict(self.base)
            env.update(pv)
            env.update({"CI_JOB_NAME": st["name"], "CI_JOB_STAGE": st["stage"], "CI_JOB_ID": "7001",
                        "CI_PROJECT_DIR": ws, "CI_BUILDS_DIR": os.path.dirname(ws), "FAKE_ROOT": ws,
                        "PATH": self.path_without(self.lacks(GITLAB_IMAGE_LACKS, st.get("image"))) + ":" +
                        os.path.join(ws, ".apk-bin")})
            env["FAKE_BASE_NAMES"] = " ".join(sorted(env))
            env.update(project)
            for k, v in d["environment"].items():
                env[k] = self.gitlab_expand(v, env)
            for k, v in st["environment"].items():
                env[k] = self.gitlab_expand(v, env)
            for k, v in extra.items():
                env[k] = self.gitlab_expand(v, env)
            script = "\n".join(c["script"] for c in st["commands"]) + "\n"
            image = f" (image {st['image']})" if st.get("image") else ""
            rc = self.shell(["sh", "-e"], script, env, ws, f"job {st['name']}{image} script")
            if st["teardown"]:
                after = "\n".join(c["script"] for c in st["teardown"]) + "\n"
                self.shell(["sh", "-e"], after, env, ws, f"job {st['name']} after_script")
            ok = rc == 0
            self.stage_line(st["name"], "success" if ok else "failure")
            if not ok and not st["allow_failure"]:
                failed = True
        self.lines.append(f"pipeline\t{'failure' if failed else 'success'}")

    def run(self, out):
        try:
            getattr(self, f"run_{self.system}")()
        finally:
            self.transcript.close()
        out.write("\n".join(self.lines) + "\n")
        log = self.base.get("FAKE_LOG")
        if log and os.path.exists(log):
            with open(log, encoding="utf-8") as f, open(os.path.join(self.tmp, "events"), "w") as out:
                for line in f:
                    e = events.event(line.rstrip("\n"))
                    if e:
                        out.write(e + "\n")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", help="run every line of this file (tab-separated: the options of one run)")
    ap.add_argument("--file")
    ap.add_argument("--workspace")
    ap.add_argument("--scenario", choices=("deploy", "branch", "pr"))
    ap.add_argument("--tmp")
    ap.add_argument("--path")
    ap.add_argument("--sha", default="c0ffee1d2e3f405162738495a6b7c8d9e0f1a2b3")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--ci-variable", action="append", default=[])
    ap.add_argument("--ci-file-variable", action="append", default=[])
    ap.add_argument("--set", action="append", default=[], metavar="FAKE_NAME=VALUE",
                    help="a variable for the fakes (besides the caller's FAKE_* variables)")
    args = ap.parse_args(argv)
    if not args.batch:
        for required in ("file", "workspace", "scenario", "tmp", "path"):
            if getattr(args, required) is None:
                ap.error(f"--{required} is required")
    return args


def run_one(args, out, err):
    fake_env = {k: v for k, v in os.environ.items() if k.startswith("FAKE_")}
    for assignment in args.set:
        k, _, v = assignment.partition("=")
        fake_env[k] = v
    try:
        Runner(args, fake_env).run(out)
    except (ex.ExtractError, SimulationError) as e:
        err.write(f"run-pipeline: {e}\n")
        return 2
    except Exception:  # a bug here: say so, and go on with the next run
        err.write("run-pipeline: " + traceback.format_exc())
        return 2
    return 0


def main():
    args = parse_args(sys.argv[1:])
    if not args.batch:
        return run_one(args, sys.stdout, sys.stderr)
    # --batch: one run a line, "--option<TAB>value<TAB>..." with --result FILE
    # and --errors FILE for where its output goes.
    status = 0
    with open(args.batch, encoding="utf-8") as f:
        for line in f:
            words = line.rstrip("\n").split("\t")
            if not words or not words[0]:
                continue
            result, errors = words.index("--result"), words.index("--errors")
            result_path, errors_path = words[result + 1], words[errors + 1]
            rest = [w for i, w in enumerate(words) if i not in (result, result + 1, errors, errors + 1)]
            one = parse_args(rest)
            with open(result_path, "w", encoding="utf-8") as out, open(errors_path, "w", encoding="utf-8") as err:
                if run_one(one, out, err) != 0:
                    status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
