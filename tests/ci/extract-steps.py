#!/usr/bin/env python3
"""Reads one generated CI file and prints what it runs, as JSON.

Usage: extract-steps.py FILE

FILE is a Jenkinsfile (declarative pipeline), a GitHub Actions workflow
(.github/workflows/*.yml) or a .gitlab-ci.yml; the name tells which. The
output lists the stages (Jenkins stages, GitHub jobs, GitLab jobs) in the
order the CI system runs them, each with:

  name         the stage's name (GitHub and GitLab: the job's key)
  conditional  whether the CI system may skip it (a `when`, an `if`, `rules`)
  condition    that condition as an expression tree, for run-pipeline.py
  branches     the branches the condition compares against (the deploy branch)
  commands     its shell commands in order: {"script", "line", ...}; GitHub
               steps also carry "env" (the step's env), "if" and "uses"
  teardown     the commands that run whether the stage failed or not
               (Jenkins `post { always }`, GitHub steps with `if: always()`,
               GitLab `after_script`)
  bound_env    the variables the CI system binds for it from its secret
               store: Jenkins withCredentials, GitHub env: entries set from
               ${{ secrets.* }}; GitLab has no such binding (CI/CD variables
               are the project's), so there it is what the job's commands
               read and nothing in the file sets (not what the scripts they
               call read)

and, for the whole file, "shell" (the dialect of its commands: sh or bash),
"environment", "credentials", "bound_env" and "deploy_branch".

The parsers are strict on purpose: a construct they do not know is an error
(exit 1, with the file and line), not something silently skipped, so that a
change of the generators shows up here. The module is also imported by
run-pipeline.py and shell-blocks.py. GitHub jobs must form one chain of
`needs` (one job ready at a time) and GitLab stages hold one job each, or
the order is ambiguous: an error too.
"""

import json
import os
import re
import sys

import yaml


class ExtractError(Exception):
    pass


def fail(path, line, message):
    where = f"{path}:{line}" if line else path
    raise ExtractError(f"{where}: {message}")


# ---------------------------------------------------------------------------
# Groovy lexer: the subset a declarative Jenkinsfile uses.
# ---------------------------------------------------------------------------

class Tok:
    __slots__ = ("kind", "value", "line", "gstring", "triple", "pos", "end")

    def __init__(self, kind, value, line, gstring=False, triple=False):
        self.kind = kind      # ident, str, num, op, nl, regex, eof
        self.value = value
        self.line = line
        self.gstring = gstring  # a double-quoted string with an unescaped $
        self.triple = triple
        self.pos = self.end = 0  # offsets in the source

    def is_op(self, *values):
        return self.kind == "op" and self.value in values

    def __repr__(self):
        return f"{self.kind}:{self.value!r}@{self.line}"


_OPS = sorted("""==~ =~ !~ == != && || <= >= -> ?. ?: .. . , : ( ) [ ] { } = ! < > + - * / % ; ? @ & |""".split(),
              key=len, reverse=True)

_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ",
                   '"': '"', "'": "'", "\\": "\\", "$": "$"}


def _unescape(path, text, line):
    """Groovy escape sequences (GroovyLexer.g4, EscapeSequence); an unknown
    one is a compile error in Groovy, so it is one here."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(text):
            fail(path, line, "a string ends with a lone backslash")
        n = text[i + 1]
        if n in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[n])
            i += 2
        elif n == "\n":  # line escape: the backslash and the newline vanish
            i += 2
        elif n == "\r" and text[i + 2:i + 3] == "\n":
            i += 3
        elif n == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6] or ""):
            out.append(chr(int(text[i + 2:i + 6], 16)))
            i += 6
        elif n in "01234567":
            m = re.match(r"[0-3][0-7]{0,2}|[4-7][0-7]?", text[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            extra = text[:i].count("\n")
            fail(path, line + extra,
                 f"'\\{n}' is not a Groovy escape sequence (a compile error in Jenkins); "
                 "a backslash for the shell must be written '\\\\'")
    return "".join(out)


def lex_groovy(path, src):
    toks = []
    i = 0
    line = 1
    n = len(src)
    # Parentheses and brackets swallow newlines; braces do not.
    nesting = []
    if src.startswith("#!"):
        while i < n and src[i] != "\n":
            i += 1
    last = (0, 0)  # (number of tokens, offset) when the last token started

    def place(upto):
        for t in toks[last[0]:]:
            t.pos, t.end = last[1], upto

    while i < n:
        place(i)
        last = (len(toks), i)
        c = src[i]
        if c == "\n":
            if not nesting or nesting[-1] == "{":
                toks.append(Tok("nl", "\n", line))
            line += 1
            i += 1
            continue
        if c in " \t\r\f":
            i += 1
            continue
        if c == "\\" and src[i + 1:i + 2] == "\n":
            i += 2
            line += 1
            continue
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
            continue
        if src.startswith("/*", i):
            end = src.find("*/", i + 2)
            if end < 0:
                fail(path, line, "unterminated /* comment")
            line += src.count("\n", i, end)
            i = end + 2
            continue
        if src.startswith("'''", i) or src.startswith('"""', i):
            q = src[i:i + 3]
            j = i + 3
            while True:
                if j >= n:
                    fail(path, line, f"unterminated {q} string")
                if src[j] == "\\":
                    j += 2
                    continue
                if src.startswith(q, j):
                    # '''' ends with the last three quotes: a quote just
                    # before the end belongs to the string.
                    while src.startswith(q[0], j + 3):
                        j += 1
                    break
                j += 1
            raw = src[i + 3:j]
            gstring = q == '"""' and re.search(r"(?<!\\)(\\\\)*\$", raw) is not None
            toks.append(Tok("str", _unescape(path, raw, line), line, gstring, triple=True))
            line += src.count("\n", i, j + 3)
            i = j + 3
            continue
        if c in "'\"":
            j = i + 1
            while True:
                if j >= n or src[j] == "\n":
                    fail(path, line, "unterminated string")
                if src[j] == "\\":
                    j += 2
                    continue
                if src[j] == c:
                    break
                j += 1
            raw = src[i + 1:j]
            gstring = c == '"' and re.search(r"(?<!\\)(\\\\)*\$", raw) is not None
            toks.append(Tok("str", _unescape(path, raw, line), line, gstring))
            i = j + 1
            continue
        if c == "/" and toks and toks[-1].is_op("=~", "==~", "!~"):
            j = i + 1
            while j < n and src[j] != "/":
                if src[j] == "\\":
                    j += 1
                if j < n and src[j] == "\n":
                    fail(path, line, "unterminated /regex/")
                j += 1
            toks.append(Tok("regex", src[i + 1:j].replace("\\/", "/"), line))
            i = j + 1
            continue
        if c.isdigit():
            m = re.match(r"\d+(\.\d+)?[lLiIgGdDfF]?", src[i:])
            toks.append(Tok("num", m.group(0), line))
            i += len(m.group(0))
            continue
        if c.isalpha() or c in "_$":
            m = re.match(r"[A-Za-z_$][A-Za-z0-9_$]*", src[i:])
            toks.append(Tok("ident", m.group(0), line))
            i += len(m.group(0))
            continue
        for op in _OPS:
            if src.startswith(op, i):
                if op in "([{":
                    nesting.append(op)
                elif op in ")]}":
                    if not nesting:
                        fail(path, line, f"unbalanced '{op}'")
                    want = {")": "(", "]": "[", "}": "{"}[op]
                    if nesting.pop() != want:
                        fail(path, line, f"unbalanced '{op}'")
                toks.append(Tok("op", op, line))
                i += len(op)
                break
        else:
            fail(path, line, f"unexpected character {c!r}")
    place(i)
    if nesting:
        fail(path, line, f"unclosed '{nesting[-1]}'")
    toks.append(Tok("eof", None, line))
    return toks


# ---------------------------------------------------------------------------
# Groovy statements: `name(args) cmdargs { block }` and `NAME = value`.
# ---------------------------------------------------------------------------

class Node:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.args = []        # positional values
        self.kwargs = {}      # named values
        self.body = None      # (start, end) token range of a { } closure
        self.value = None     # for NAME = value
        self.is_assign = False

    def arg(self, key, index=None):
        if key in self.kwargs:
            return self.kwargs[key]
        if index is not None and index < len(self.args):
            return self.args[index]
        return None


class GroovyParser:
    def __init__(self, path, toks):
        self.path = path
        self.toks = toks

    def err(self, i, message):
        fail(self.path, self.toks[i].line, message)

    def match_brace(self, i):
        """i is at '{'; returns the index of its '}'."""
        depth = 0
        for j in range(i, len(self.toks)):
            t = self.toks[j]
            if t.kind == "op" and t.value in "{[(":
                depth += 1
            elif t.kind == "op" and t.value in "}])":
                depth -= 1
                if depth == 0:
                    return j
        self.err(i, "unclosed '{'")

    def skip_seps(self, i, end):
        while i < end and (self.toks[i].kind == "nl" or self.toks[i].is_op(";")):
            i += 1
        return i

    def block(self, rng):
        start, end = rng
        nodes = []
        i = self.skip_seps(start, end)
        while i < end:
            node, i = self.statement(i, end)
            nodes.append(node)
            i = self.skip_seps(i, end)
        return nodes

    def statement(self, i, end):
        t = self.toks[i]
        if t.kind != "ident":
            self.err(i, f"expected a name, found {t.value!r}")
        node = Node(t.value, t.line)
        i += 1
        while self.toks[i].is_op(".") and self.toks[i + 1].kind == "ident":
            node.name += "." + self.toks[i + 1].value
            i += 2
        if self.toks[i].is_op("="):
            node.is_assign = True
            node.value, i = self.value(i + 1)
            return node, self.end_of_statement(i, end)
        if self.toks[i].is_op("("):
            i = self.call_args(i, node)
        elif not (self.toks[i].kind in ("nl", "eof") or self.toks[i].is_op(";", "{", "}")):
            # command syntax: `sh 'x'`, `agent any`, `sh script: 'x', label: 'y'`
            i = self.arg_list(i, node, closers=None)
        if self.toks[i].is_op("{"):
            close = self.match_brace(i)
            node.body = (i + 1, close)
            i = close + 1
        return node, self.end_of_statement(i, end)

    def end_of_statement(self, i, end):
        if i < end and not (self.toks[i].kind == "nl" or self.toks[i].is_op(";", "}")):
            self.err(i, f"unexpected {self.toks[i].value!r} after a statement")
        return i

    def call_args(self, i, node):
        """i at '('; fills node.args/kwargs; returns the index after ')'."""
        i += 1
        if self.toks[i].is_op(")"):
            return i + 1
        i = self.arg_list(i, node, closers=(")",))
        if not self.toks[i].is_op(")"):
            self.err(i, "expected ')'")
        return i + 1

    def arg_list(self, i, node, closers):
        while True:
            t = self.toks[i]
            if t.kind == "ident" and self.toks[i + 1].is_op(":"):
                node.kwargs[t.value], i = self.value(i + 2)
            elif t.kind == "str" and self.toks[i + 1].is_op(":"):
                node.kwargs[t.value], i = self.value(i + 2)
            else:
                v, i = self.value(i)
                node.args.append(v)
            if self.toks[i].is_op(","):
                i += 1
                continue
            return i

    def value(self, i):
        """A literal, a name, a call, a list or a map, with method chains."""
        t = self.toks[i]
        if t.kind == "str":
            v = {"str": t.value, "gstring": t.gstring, "line": t.line}
            i += 1
        elif t.kind == "num":
            v = {"num": t.value}
            i += 1
        elif t.kind == "ident" and t.value in ("true", "false", "null"):
            v = {"lit": {"true": True, "false": False, "null": None}[t.value]}
            i += 1
        elif t.kind == "ident":
            name = t.value
            i += 1
            while self.toks[i].is_op(".") and self.toks[i + 1].kind == "ident" and not self.toks[i + 2].is_op("("):
                name += "." + self.toks[i + 1].value
                i += 2
            if self.toks[i].is_op("("):
                call = Node(name, t.line)
                i = self.call_args(i, call)
                v = {"call": name, "args": call.args, "kwargs": call.kwargs, "line": t.line}
            else:
                v = {"ref": name, "line": t.line}
        elif t.is_op("["):
            i += 1
            if self.toks[i].is_op(":") and self.toks[i + 1].is_op("]"):
                return {"map": {}}, i + 2
            items = []
            entries = {}
            while not self.toks[i].is_op("]"):
                k = self.toks[i]
                if k.kind in ("ident", "str") and self.toks[i + 1].is_op(":"):
                    entries[k.value], i = self.value(i + 2)
                else:
                    item, i = self.value(i)
                    items.append(item)
                if self.toks[i].is_op(","):
                    i += 1
                elif not self.toks[i].is_op("]"):
                    self.err(i, "expected ',' or ']'")
            i += 1
            if entries and items:
                self.err(i, "a list mixes map entries and values")
            v = {"map": entries} if entries else {"list": items}
        else:
            self.err(i, f"unsupported value starting with {t.value!r}")
        while self.toks[i].is_op(".") and self.toks[i + 1].kind == "ident":
            method = self.toks[i + 1].value
            i += 2
            call = Node(method, t.line)
            if self.toks[i].is_op("("):
                i = self.call_args(i, call)
            v = {"method": method, "target": v, "args": call.args}
        return v, i


# Groovy expressions inside `expression { ... }`: an expression tree.

class GroovyExpr:
    def __init__(self, path, toks, start, end):
        self.path = path
        self.toks = toks
        self.i = start
        self.end = end

    def peek(self):
        while self.i < self.end and self.toks[self.i].kind == "nl":
            self.i += 1
        return self.toks[self.i] if self.i < self.end else Tok("eof", None, self.toks[self.end - 1].line if self.end else 0)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def err(self, message):
        fail(self.path, self.peek().line, message)

    def parse(self):
        t = self.peek()
        if t.kind == "ident" and t.value == "return":
            self.take()
        e = self.or_expr()
        while self.peek().is_op(";"):
            self.take()
        if self.peek().kind != "eof":
            self.err(f"unsupported Groovy in an expression: {self.peek().value!r}")
        return e

    def or_expr(self):
        e = self.and_expr()
        while self.peek().is_op("||"):
            self.take()
            e = {"op": "||", "args": [e, self.and_expr()]}
        return e

    def and_expr(self):
        e = self.cmp_expr()
        while self.peek().is_op("&&"):
            self.take()
            e = {"op": "&&", "args": [e, self.cmp_expr()]}
        return e

    def cmp_expr(self):
        e = self.unary()
        t = self.peek()
        if t.is_op("==", "!=", "=~", "==~", "!~"):
            self.take()
            if self.peek().kind == "regex":
                r = {"lit": self.take().value}
            else:
                r = self.unary()
            return {"op": t.value, "args": [e, r]}
        return e

    def unary(self):
        if self.peek().is_op("!"):
            self.take()
            return {"op": "!", "args": [self.unary()]}
        return self.postfix()

    def postfix(self):
        e = self.primary()
        while True:
            t = self.peek()
            if t.is_op("?:"):
                self.take()
                e = {"op": "?:", "args": [e, self.primary()]}
            elif t.is_op(".", "?.") and self.toks[self.i + 1].kind == "ident" and self.toks[self.i + 2].is_op("("):
                self.take()
                method = self.take().value
                self.take()
                args = []
                while not self.peek().is_op(")"):
                    args.append(self.or_expr())
                    if self.peek().is_op(","):
                        self.take()
                self.take()
                e = {"method": method, "target": e, "args": args}
            else:
                return e

    def primary(self):
        t = self.take()
        if t.kind == "str":
            if t.gstring:
                fail(self.path, t.line, "a GString with ${...} in a condition is not supported")
            return {"lit": t.value}
        if t.kind == "num":
            return {"lit": float(t.value.rstrip("lLiIgGdDfF"))}
        if t.kind == "ident":
            if t.value in ("true", "false", "null"):
                return {"lit": {"true": True, "false": False, "null": None}[t.value]}
            name = t.value
            while self.peek().is_op(".", "?.") and self.toks[self.i + 1].kind == "ident" and not self.toks[self.i + 2].is_op("("):
                self.take()
                name += "." + self.take().value
            if name.startswith("env."):
                return {"var": name[4:]}
            if "." in name:
                fail(self.path, t.line, f"unsupported name in a condition: {name}")
            return {"var": name}  # a bare name is an environment variable
        if t.is_op("("):
            e = self.or_expr()
            if not self.take().is_op(")"):
                fail(self.path, t.line, "expected ')'")
            return e
        fail(self.path, t.line, f"unsupported token in a condition: {t.value!r}")


def _string_arg(path, v, what, line):
    if v is None:
        return None
    if "str" not in v:
        fail(path, line, f"{what} must be a string literal")
    if v["gstring"]:
        fail(path, v.get("line", line),
             f"{what} is a double-quoted Groovy string with $: Groovy would interpolate it "
             "(use single quotes so that the shell expands the variables)")
    return v["str"]


# Builtins Jenkins sets in every build (what a script may read without binding).
JENKINS_BUILTINS = {
    "BRANCH_NAME", "BRANCH_IS_PRIMARY", "CHANGE_ID", "CHANGE_TARGET", "CHANGE_BRANCH", "BUILD_NUMBER",
    "BUILD_ID", "BUILD_TAG", "BUILD_URL", "EXECUTOR_NUMBER", "JENKINS_URL", "JOB_NAME", "JOB_BASE_NAME",
    "NODE_NAME", "WORKSPACE", "WORKSPACE_TMP", "GIT_COMMIT", "GIT_BRANCH", "GIT_URL", "HOME", "PATH",
    "TAG_NAME", "CI",
}


class Jenkinsfile:
    """The declarative structure: pipeline { environment, stages, post }."""

    IGNORED_PIPELINE = {"agent", "options", "triggers", "parameters", "tools", "libraries"}
    IGNORED_STAGE = {"agent", "options", "tools", "input", "failFast"}

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            src = f.read()
        self.src = src
        self.toks = lex_groovy(path, src)
        self.p = GroovyParser(path, self.toks)
        self.credentials = []

    def err(self, node, message):
        fail(self.path, node.line, message)

    def extract(self):
        top = self.p.block((0, len(self.toks) - 1))
        pipelines = [n for n in top if n.name == "pipeline"]
        for n in top:
            if n.name != "pipeline":
                self.err(n, f"unsupported top-level statement '{n.name}' (expected only pipeline {{...}})")
        if len(pipelines) != 1 or pipelines[0].body is None:
            fail(self.path, 0, "expected exactly one pipeline { ... } block")
        out = {"system": "jenkins", "file": self.path, "shell": "sh", "environment": {}, "stages": [], "post": {}}
        for n in self.p.block(pipelines[0].body):
            if n.name in self.IGNORED_PIPELINE:
                continue
            if n.name == "environment":
                out["environment"] = self.environment(n)
            elif n.name == "stages":
                for s in self.p.block(n.body):
                    out["stages"].append(self.stage(s))
            elif n.name == "post":
                out["post"] = self.post(n)
            else:
                self.err(n, f"unsupported pipeline section '{n.name}'")
        if not out["stages"]:
            fail(self.path, 0, "the pipeline has no stages")
        out["credentials"] = self.credentials
        return out

    def environment(self, node):
        env = {}
        for n in self.p.block(node.body):
            if not n.is_assign:
                self.err(n, f"expected NAME = value in environment, found '{n.name}'")
            env[n.name] = self.env_value(n, n.value)
        return env

    def env_value(self, node, v):
        """A literal; sh(script: '...', returnStdout: true).trim(); credentials('id')."""
        if "str" in v:
            if v["gstring"]:
                self.err(node, f"environment {node.name}: a double-quoted string with $ is interpolated by Groovy")
            return {"literal": v["str"]}
        trim = False
        if "method" in v and v["method"] == "trim" and not v["args"]:
            trim = True
            v = v["target"]
        if v.get("call") == "sh":
            call = Node("sh", node.line)
            call.args, call.kwargs = v["args"], v["kwargs"]
            script = _string_arg(self.path, call.arg("script", 0), "sh's script", node.line)
            if call.kwargs.get("returnStdout", {}).get("lit") is not True:
                self.err(node, f"environment {node.name}: sh(...) without returnStdout: true")
            return {"sh": script, "trim": trim, "line": v["line"]}
        if v.get("call") == "credentials" and not trim:
            cid = _string_arg(self.path, v["args"][0] if v["args"] else None, "credentials id", node.line)
            self.credentials.append({"id": cid, "kind": "environment", "variables": [node.name]})
            return {"credentials": cid}
        self.err(node, f"environment {node.name}: unsupported value")

    def stage(self, node):
        if node.name != "stage" or node.body is None:
            self.err(node, f"expected stage('NAME') {{...}} in stages, found '{node.name}'")
        name = _string_arg(self.path, node.arg("name", 0), "a stage name", node.line)
        st = {"name": name, "line": node.line, "conditional": False, "condition": None, "condition_text": None,
              "environment": {}, "commands": [], "teardown": [], "post": {}, "bound_env": []}
        for n in self.p.block(node.body):
            if n.name in self.IGNORED_STAGE:
                continue
            if n.name == "when":
                st["condition"] = self.when(n)
                st["conditional"] = True
                start, end = n.body
                st["condition_text"] = " ".join(self.src[self.toks[start].pos:self.toks[end - 1].end].split())
            elif n.name == "environment":
                st["environment"] = self.environment(n)
            elif n.name == "steps":
                st["commands"] = self.steps(n, [], {}, None)
            elif n.name == "post":
                st["post"] = self.post(n)
            elif n.name in ("parallel", "stages", "matrix"):
                self.err(n, f"'{n.name}' in a stage is not supported: the order of the stages would not be one")
            else:
                self.err(n, f"unsupported stage section '{n.name}'")
        st["teardown"] = st["post"].get("always", []) + st["post"].get("cleanup", [])
        names = []
        for c in st["commands"] + [c for cs in st["post"].values() for c in cs]:
            for v in c["bound_env"]:
                if v not in names:
                    names.append(v)
        for k, v in st["environment"].items():
            if "credentials" in v and k not in names:
                names.append(k)
        st["bound_env"] = names
        return st

    def when(self, node):
        conds = []
        for n in self.p.block(node.body):
            if n.name in ("beforeAgent", "beforeInput", "beforeOptions"):
                continue
            conds.append(self.condition(n))
        if not conds:
            self.err(node, "an empty when block")
        return conds[0] if len(conds) == 1 else {"op": "&&", "args": conds}

    def condition(self, n):
        if n.name == "expression":
            if n.body is None:
                self.err(n, "expression needs a { closure }")
            return GroovyExpr(self.path, self.toks, n.body[0], n.body[1]).parse()
        if n.name == "branch":
            pattern = _string_arg(self.path, n.arg("pattern", 0), "branch pattern", n.line)
            comparator = _string_arg(self.path, n.arg("comparator"), "comparator", n.line) or "GLOB"
            return {"jenkins": "branch", "pattern": pattern, "comparator": comparator}
        if n.name in ("not", "allOf", "anyOf"):
            inner = [self.condition(c) for c in self.p.block(n.body)]
            if n.name == "not":
                if len(inner) != 1:
                    self.err(n, "not { } takes one condition")
                return {"op": "!", "args": inner}
            return {"op": "&&" if n.name == "allOf" else "||", "args": inner}
        if n.name == "environment":
            return {"jenkins": "environment",
                    "name": _string_arg(self.path, n.arg("name"), "name", n.line),
                    "value": _string_arg(self.path, n.arg("value"), "value", n.line)}
        if n.name == "changeRequest" and not n.args and not n.kwargs:
            return {"jenkins": "changeRequest"}
        if n.name == "buildingTag":
            return {"jenkins": "buildingTag"}
        self.err(n, f"unsupported when condition '{n.name}'")

    def bindings(self, node):
        """withCredentials([...]): the variables each binding sets."""
        items = node.arg(None, 0)
        if not items or "list" not in items:
            self.err(node, "withCredentials needs a list of bindings")
        out = []
        for b in items["list"]:
            if "call" in b:
                kind, kw = b["call"], b["kwargs"]
            elif "map" in b and "$class" in b["map"]:
                kind, kw = b["map"]["$class"]["str"], b["map"]
            else:
                self.err(node, "unsupported credentials binding")
            s = lambda k, d=None: (_string_arg(self.path, kw.get(k), k, node.line) if k in kw else d)  # noqa: E731
            cid = s("credentialsId")
            if kind in ("usernamePassword", "UsernamePasswordMultiBinding"):
                variables = {"user": s("usernameVariable"), "password": s("passwordVariable")}
            elif kind in ("file", "FileBinding"):
                variables = {"file": s("variable")}
            elif kind in ("string", "StringBinding"):
                variables = {"text": s("variable")}
            elif kind in ("sshUserPrivateKey", "SSHUserPrivateKeyBinding"):
                variables = {"file": s("keyFileVariable"), "user": s("usernameVariable"),
                             "password": s("passphraseVariable")}
            elif kind in ("aws", "AmazonWebServicesCredentialsBinding"):
                variables = {"user": s("accessKeyVariable", "AWS_ACCESS_KEY_ID"),
                             "password": s("secretKeyVariable", "AWS_SECRET_ACCESS_KEY")}
            else:
                self.err(node, f"unsupported credentials binding '{kind}'")
            variables = {k: v for k, v in variables.items() if v}
            if not variables:
                self.err(node, f"binding {kind} of '{cid}' binds no variable")
            out.append({"id": cid, "kind": kind, "variables": variables})
        return out

    def steps(self, node, bound, env, directory):
        cmds = []
        for n in self.p.block(node.body):
            if n.name == "sh":
                script = _string_arg(self.path, n.arg("script", 0), "sh's script", n.line)
                for k in n.kwargs:
                    if k not in ("script", "label"):
                        self.err(n, f"sh with {k}: is not supported in steps")
                v = n.arg("script", 0)
                cmds.append({"step": "sh", "script": script, "line": v.get("line", n.line),
                             "bound_env": [name for b in bound for name in b["variables"].values()],
                             "credentials": [b["id"] for b in bound], "bindings": list(bound),
                             "env": dict(env), "dir": directory})
            elif n.name == "withCredentials":
                bs = self.bindings(n)
                for b in bs:
                    self.credentials.append({"id": b["id"], "kind": b["kind"],
                                             "variables": list(b["variables"].values()),
                                             "types": b["variables"]})
                cmds += self.steps(n, bound + bs, env, directory)
            elif n.name == "withEnv":
                items = n.arg(None, 0)
                more = dict(env)
                for it in (items or {}).get("list", []):
                    text = _string_arg(self.path, it, "withEnv entry", n.line)
                    k, _, val = text.partition("=")
                    more[k] = val
                cmds += self.steps(n, bound, more, directory)
            elif n.name == "dir":
                d = _string_arg(self.path, n.arg("path", 0), "dir", n.line)
                cmds += self.steps(n, bound, env, os.path.join(directory, d) if directory else d)
            elif n.name in ("timeout", "retry", "lock", "timestamps", "ansiColor"):
                if n.body is None:
                    self.err(n, f"{n.name} needs a block")
                cmds += self.steps(n, bound, env, directory)
            elif n.name == "echo" or (n.name == "checkout" and [a.get("ref") for a in n.args] == ["scm"]):
                continue
            else:
                self.err(n, f"unsupported step '{n.name}'")
        return cmds

    def post(self, node):
        out = {}
        for n in self.p.block(node.body):
            if n.name not in ("always", "success", "failure", "unstable", "unsuccessful", "changed",
                              "fixed", "regression", "aborted", "cleanup"):
                self.err(n, f"unsupported post condition '{n.name}'")
            out[n.name] = self.steps(n, [], {}, None)
        return out


# ---------------------------------------------------------------------------
# YAML with line numbers (GitHub Actions and GitLab CI).
# ---------------------------------------------------------------------------

class LStr(str):
    """A YAML string that knows the line its text starts on."""
    line = 0


class LineLoader(yaml.SafeLoader):
    pass


# YAML 1.2 booleans only: `on:` is a key, not true (as GitHub reads it).
LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))


def _construct_str(loader, node):
    s = LStr(loader.construct_scalar(node))
    # Block scalars (| and >) start on the line after their indicator.
    s.line = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    return s


LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def _reference(loader, node):
    return {"!reference": loader.construct_sequence(node)}


LineLoader.add_constructor("!reference", _reference)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        try:
            return yaml.load(f, Loader=LineLoader)
        except yaml.YAMLError as e:
            fail(path, 0, f"not valid YAML: {e}")


def _line(v):
    return getattr(v, "line", 0)


# ---------------------------------------------------------------------------
# Expression languages of GitHub (if:) and GitLab (rules: if:).
# ---------------------------------------------------------------------------

def strip_github_expr(text):
    t = str(text).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", t, re.S)
    return m.group(1).strip() if m else t


_GH_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<op>==|!=|<=|>=|&&|\|\||[!<>(),\[\]])
  | (?P<dot>\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*|\*)
)""", re.X)


def tokenize(rx, src, path, line, what):
    """(kind, text) pairs of src by the named groups of rx, then ("eof", None)."""
    toks = []
    i = 0
    while i < len(src):
        if src[i:].strip() == "":
            break
        m = rx.match(src, i)
        if not m:
            fail(path, line, f"cannot read {what} {src!r} at {src[i:]!r}")
        toks.append((m.lastgroup, m.group(m.lastgroup)))
        i = m.end()
    toks.append(("eof", None))
    return toks


class BooleanExpression:
    """Reads `||` over `&&` over comparison(), the layers the GitHub and
    GitLab expression languages share; a subclass reads the rest."""

    what = "expression"

    def __init__(self, path, line, src, toks):
        self.path, self.line, self.src, self.toks, self.pos = path, line, src, toks, 0

    def fail(self, message):
        fail(self.path, self.line, f"{self.what} {self.src!r}: {message}")

    def peek(self):
        return self.toks[self.pos]

    def take(self, kind=None, value=None):
        t = self.toks[self.pos]
        if (kind and t[0] != kind) or (value and t[1] != value):
            self.fail(f"expected {value or kind}, found {t[1]!r}")
        self.pos += 1
        return t

    def or_expr(self):
        e = self.and_expr()
        while self.peek() == ("op", "||"):
            self.take()
            e = {"op": "||", "args": [e, self.and_expr()]}
        return e

    def and_expr(self):
        e = self.comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            e = {"op": "&&", "args": [e, self.comparison()]}
        return e

    def parse(self):
        e = self.or_expr()
        if self.peek()[0] != "eof":
            self.fail(f"unexpected {self.peek()[1]!r}")
        return e


class GitHubExpression(BooleanExpression):
    def comparison(self):
        e = self.unary()
        if self.peek()[0] == "op" and self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            e = {"op": op, "args": [e, self.unary()]}
        return e

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return {"op": "!", "args": [self.unary()]}
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "str":
            return {"lit": value[1:-1].replace("''", "'")}
        if kind == "num":
            return {"lit": float(value)}
        if kind == "op" and value == "(":
            e = self.or_expr()
            self.take("op", ")")
            return e
        if kind == "ident":
            if value in ("true", "false", "null"):
                return {"lit": {"true": True, "false": False, "null": None}[value]}
            if self.peek() == ("op", "("):
                self.take()
                args = []
                while self.peek() != ("op", ")"):
                    args.append(self.or_expr())
                    if self.peek() == ("op", ","):
                        self.take()
                self.take("op", ")")
                return {"call": value.lower(), "args": args}
            path_ = value
            while True:
                if self.peek()[0] == "dot":
                    self.take()
                    path_ += "." + self.take("ident")[1]
                elif self.peek() == ("op", "["):
                    self.take()
                    k = self.take("str")[1][1:-1]
                    self.take("op", "]")
                    path_ += "." + k
                else:
                    break
            return {"ctx": path_}
        self.fail(f"unexpected {value!r}")


def parse_github_expr(path, text, line=0):
    src = strip_github_expr(text)
    return GitHubExpression(path, line, src, tokenize(_GH_TOKEN, src, path, line, "expression")).parse()


_GL_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'[^']*'|"[^"]*")
  | (?P<regex>/(?:\\.|[^/\\])*/[a-z]*)
  | (?P<var>\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)
  | (?P<op>==|!=|=~|!~|&&|\|\||[()])
  | (?P<null>null\b)
)""", re.X)


class GitLabExpression(BooleanExpression):
    what = "rules expression"

    def comparison(self):
        e = self.primary()
        if self.peek()[0] == "op" and self.peek()[1] in ("==", "!=", "=~", "!~"):
            op = self.take()[1]
            e = {"op": op, "args": [e, self.primary()]}
        else:
            e = {"op": "present", "args": [e]} if "var" in e else e
        return e

    def primary(self):
        kind, value = self.take()
        if kind == "str":
            return {"lit": value[1:-1]}
        if kind == "regex":
            m = re.fullmatch(r"/(.*)/([a-z]*)", value, re.S)
            return {"regex": m.group(1), "flags": m.group(2)}
        if kind == "var":
            return {"var": value.strip("${}")}
        if kind == "null":
            return {"lit": None}
        if (kind, value) == ("op", "("):
            e = self.or_expr()
            if self.take() != ("op", ")"):
                self.fail("expected ')'")
            return e
        self.fail(f"unexpected {value!r}")


def parse_gitlab_expr(path, text, line=0):
    src = str(text)
    return GitLabExpression(path, line, src, tokenize(_GL_TOKEN, src, path, line, "rules expression")).parse()


def walk(e):
    yield e
    if isinstance(e, dict):
        for a in e.get("args", []):
            yield from walk(a)
        if "target" in e:
            yield from walk(e["target"])


# What names the branch being built, per CI system, and how to read a
# branch name out of a literal compared with it.
_BRANCH_VARS = {
    "BRANCH_NAME": lambda s: s, "GIT_BRANCH": lambda s: re.sub(r"^origin/", "", s),
    "GIT_LOCAL_BRANCH": lambda s: s,
    "github.ref": lambda s: s[len("refs/heads/"):] if s.startswith("refs/heads/") else None,
    "github.ref_name": lambda s: s,
    "CI_COMMIT_BRANCH": lambda s: s, "CI_COMMIT_REF_NAME": lambda s: s,
}


def branches_of(cond):
    found = []
    for e in walk(cond):
        if not isinstance(e, dict):
            continue
        if e.get("jenkins") == "branch":
            found.append(e["pattern"])
        if e.get("op") in ("==",) and len(e["args"]) == 2:
            a, b = e["args"]
            for x, y in ((a, b), (b, a)):
                name = x.get("var") or x.get("ctx")
                if name in _BRANCH_VARS and "lit" in y and isinstance(y["lit"], str):
                    br = _BRANCH_VARS[name](y["lit"])
                    if br:
                        found.append(br)
                if name in _BRANCH_VARS and y.get("var") == "CI_DEFAULT_BRANCH":
                    found.append("$CI_DEFAULT_BRANCH")
    out = []
    for b in found:
        if b not in out:
            out.append(b)
    return out


def uses_status_function(cond):
    return any(isinstance(e, dict) and e.get("call") in ("always", "success", "failure", "cancelled")
               for e in walk(cond))


def only_status(cond):
    """An if that is nothing but always()/success()/!cancelled()...: no real condition."""
    return cond is None or all(
        not isinstance(e, dict) or "ctx" not in e for e in walk(cond))


# ---------------------------------------------------------------------------
# GitHub Actions
# ---------------------------------------------------------------------------

_SECRET_REF = re.compile(r"\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def extract_github(path):
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        fail(path, 0, "a workflow needs a jobs: mapping")
    if "on" not in doc:
        fail(path, 0, "a workflow needs on:")
    defaults_shell = ((doc.get("defaults") or {}).get("run") or {}).get("shell")
    jobs = doc["jobs"]
    needs = {}
    for key, job in jobs.items():
        n = job.get("needs", [])
        n = [n] if isinstance(n, str) else list(n)
        for x in n:
            if x not in jobs:
                fail(path, _line(x), f"job {key} needs {x}, which is not a job of this workflow")
        needs[key] = n
    # Topological order; the order must be the only one (one job ready at a time).
    order = []
    done = set()
    while len(order) < len(jobs):
        ready = [k for k in jobs if k not in done and all(x in done for x in needs[k])]
        if not ready:
            fail(path, 0, "the jobs' needs form a cycle: " + ", ".join(k for k in jobs if k not in done))
        if len(ready) > 1:
            fail(path, 0, "the order of the jobs is ambiguous: " + " and ".join(ready) +
                 " can run at the same time (each stage needs the one before it)")
        order.append(ready[0])
        done.add(ready[0])
    bound_all = []
    stages = []
    for key in order:
        job = jobs[key]
        if "uses" in job:
            fail(path, _line(key), f"job {key}: reusable workflows are not supported")
        for k in job:
            if k not in ("name", "needs", "if", "runs-on", "steps", "env", "permissions", "environment",
                         "concurrency", "timeout-minutes", "defaults", "services", "container", "outputs",
                         "strategy", "continue-on-error"):
                fail(path, _line(k), f"job {key}: unsupported key {k}")
        if "strategy" in job:
            fail(path, _line(key), f"job {key}: a matrix would run the job several times")
        cond_text = job.get("if")
        cond = parse_github_expr(path, cond_text, _line(cond_text)) if cond_text is not None else None
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell") or defaults_shell
        cmds, teardown, bound = [], [], []
        steps = job.get("steps")
        if not isinstance(steps, list) or not steps:
            fail(path, _line(key), f"job {key} has no steps")
        for step in steps:
            env = {str(k): str(v) for k, v in (step.get("env") or {}).items()}
            for k in step:
                if k not in ("name", "id", "run", "uses", "with", "env", "if", "shell", "working-directory",
                             "continue-on-error", "timeout-minutes"):
                    fail(path, _line(k), f"job {key}: unsupported step key {k}")
            if_text = step.get("if")
            c = {"name": step.get("name"), "id": step.get("id"), "env": env, "if": str(if_text) if if_text is not None else None,
                 "if_ast": parse_github_expr(path, if_text, _line(if_text)) if if_text is not None else None}
            if "run" in step:
                c.update(script=str(step["run"]), line=_line(step["run"]),
                         shell=step.get("shell") or job_shell or "default",
                         dir=step.get("working-directory"))
            elif "uses" in step:
                c.update(uses=str(step["uses"]), line=_line(step["uses"]), **{"with": step.get("with") or {}})
            else:
                fail(path, _line(key), f"job {key}: a step without run or uses")
            secrets = [k for k, v in env.items() if _SECRET_REF.search(v)]
            c["bound_env"] = secrets
            for s in secrets:
                if s not in bound:
                    bound.append(s)
            cmds.append(c)
            if c["if_ast"] is not None and any(
                    isinstance(e, dict) and e.get("call") in ("always",) for e in walk(c["if_ast"])):
                teardown.append(c)
        job_env = {str(k): str(v) for k, v in (job.get("env") or {}).items()}
        for k, v in job_env.items():
            if _SECRET_REF.search(v) and k not in bound:
                bound.append(k)
        for b in bound:
            if b not in bound_all:
                bound_all.append(b)
        stages.append({
            "name": str(key), "title": job.get("name"), "needs": needs[key],
            "conditional": cond is not None and not only_status(cond),
            "condition": cond, "condition_text": str(cond_text) if cond_text is not None else None,
            "environment": job_env, "commands": cmds, "teardown": teardown, "bound_env": bound,
            "environment_name": job.get("environment"),
            "runs_on": job.get("runs-on"),
            "outputs": {str(k): str(v) for k, v in (job.get("outputs") or {}).items()},
        })
    wf_env = {str(k): str(v) for k, v in (doc.get("env") or {}).items()}
    return {"system": "github", "file": path, "shell": "bash", "on": doc["on"], "environment": wf_env,
            "stages": stages, "bound_env": bound_all,
            "credentials": [{"variables": [b], "kind": "secret"} for b in bound_all]}


# ---------------------------------------------------------------------------
# GitLab CI
# ---------------------------------------------------------------------------

GITLAB_RESERVED = {"default", "include", "stages", "variables", "workflow", "image", "services",
                   "before_script", "after_script", "cache"}
GITLAB_JOB_KEYS = {"stage", "script", "before_script", "after_script", "rules", "only", "except", "when",
                   "image", "services", "variables", "needs", "dependencies", "tags", "allow_failure",
                   "timeout", "retry", "interruptible", "resource_group", "environment", "artifacts",
                   "cache", "extends", "coverage", "id_tokens", "secrets"}


def _deep_merge(base, over):
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _script_lines(path, key, value, what):
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        fail(path, _line(key), f"job {key}: {what} must be a list of commands")
    out = []
    for item in value:
        if isinstance(item, list):  # a nested list (from an anchor) is flattened
            out += _script_lines(path, key, item, what)
        elif isinstance(item, dict) and "!reference" in item:
            fail(path, _line(key), f"job {key}: !reference in {what} is not supported")
        else:
            out.append(item)
    return out


_SH_ASSIGN = re.compile(r"(?:^|[;&|]\s*|\bexport\s+|\breadonly\s+|\blocal\s+)([A-Za-z_][A-Za-z0-9_]*)=")
_SH_READ = re.compile(r"\bread\s+(?:-[a-z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)")
_SH_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def shell_assigned(script):
    names = set(_SH_ASSIGN.findall(script)) | set(_SH_READ.findall(script))
    for m in re.finditer(r"\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b", script):
        names.add(m.group(1))
    return names


def shell_referenced(script):
    """Variables a script reads ($NAME, ${NAME...}), outside single quotes."""
    text = re.sub(r"'[^']*'", "''", script)
    return set(_SH_REF.findall(text))


GITLAB_PREDEFINED_PREFIXES = ("CI_", "GITLAB_", "RUNNER_")
GITLAB_PREDEFINED = {"CI", "HOME", "PATH", "PWD", "USER", "HOSTNAME"}


def _image_name(image):
    if isinstance(image, dict):
        image = image.get("name")
    return str(image) if image is not None else None


def extract_gitlab(path):
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        fail(path, 0, "expected a mapping")
    for k in ("include",):
        if k in doc:
            fail(path, _line(k), f"{k}: is not supported")
    stages_order = doc.get("stages") or ["build", "test", "deploy"]
    defaults = dict(doc.get("default") or {})
    for k in ("image", "services", "before_script", "after_script"):
        if k in doc and k not in defaults:
            defaults[k] = doc[k]
    global_vars = {}
    for k, v in (doc.get("variables") or {}).items():
        global_vars[str(k)] = str(v["value"]) if isinstance(v, dict) else str(v)
    workflow_rules = (doc.get("workflow") or {}).get("rules")

    def resolve(key, seen=()):
        job = doc[key]
        if not isinstance(job, dict):
            fail(path, _line(key), f"{key} is not a job")
        ext = job.get("extends")
        if not ext:
            return job
        base = {}
        for e in ([ext] if isinstance(ext, str) else ext):
            if e in seen or e not in doc:
                fail(path, _line(key), f"job {key} extends {e}, which is missing or circular")
            base = _deep_merge(base, resolve(e, seen + (key,)))
        job = _deep_merge(base, {k: v for k, v in job.items() if k != "extends"})
        return job

    jobs = []
    for key in doc:
        if key in GITLAB_RESERVED or str(key).startswith("."):
            continue
        job = resolve(key)
        for k in job:
            if k not in GITLAB_JOB_KEYS:
                fail(path, _line(k), f"job {key}: unsupported key {k}")
        if "script" not in job:
            fail(path, _line(key), f"job {key} has no script")
        stage = job.get("stage", "test")
        if stage not in stages_order:
            fail(path, _line(key), f"job {key}: stage {stage} is not in stages:")
        jobs.append((stages_order.index(stage), len(jobs), key, job))
    jobs.sort()
    by_stage = {}
    for idx, _, key, _ in jobs:
        by_stage.setdefault(idx, []).append(key)
    for idx, keys in by_stage.items():
        if len(keys) > 1:
            fail(path, 0, f"the order of the jobs is ambiguous: {' and '.join(keys)} are in one stage")
    stages = []
    bound_all = []
    for idx, _, key, job in jobs:
        variables = {}
        for k, v in (job.get("variables") or {}).items():
            variables[str(k)] = str(v["value"]) if isinstance(v, dict) else str(v)
        before = _script_lines(path, key, job.get("before_script", defaults.get("before_script")), "before_script")
        script = _script_lines(path, key, job["script"], "script")
        after = _script_lines(path, key, job.get("after_script", defaults.get("after_script")), "after_script")
        cmds = [{"script": str(s), "line": _line(s), "part": "before_script"} for s in before]
        cmds += [{"script": str(s), "line": _line(s), "part": "script"} for s in script]
        teardown = [{"script": str(s), "line": _line(s), "part": "after_script"} for s in after]
        rules = []
        for r in job.get("rules") or []:
            if not isinstance(r, dict):
                fail(path, _line(key), f"job {key}: a rule must be a mapping")
            for k in r:
                if k not in ("if", "when", "allow_failure", "variables"):
                    fail(path, _line(k), f"job {key}: unsupported rule key {k}")
            rules.append({"if": parse_gitlab_expr(path, r["if"], _line(r["if"])) if "if" in r else None,
                          "if_text": str(r["if"]) if "if" in r else None, "when": r.get("when", "on_success"),
                          "variables": {str(k): str(v) for k, v in (r.get("variables") or {}).items()}})
        if rules and ("only" in job or "except" in job):
            fail(path, _line(key), f"job {key}: rules cannot be used with only/except")
        cond = None
        if rules:
            parts = [r["if"] for r in rules if r["if"] is not None and r["when"] != "never"]
            cond = parts[0] if len(parts) == 1 else ({"op": "||", "args": parts} if parts else None)
        # Which variables the CI system must bind: read, never assigned.
        assigned = set(global_vars) | set(variables) | shell_assigned("\n".join(c["script"] for c in cmds))
        read = set()
        for c in cmds:
            read |= shell_referenced(c["script"])
        for c in teardown:
            read |= shell_referenced(c["script"])
        for v in list(global_vars.values()) + list(variables.values()):
            read |= shell_referenced(v)
        bound = sorted(n for n in read - assigned if n not in GITLAB_PREDEFINED
                       and not n.startswith(GITLAB_PREDEFINED_PREFIXES))
        for b in bound:
            if b not in bound_all:
                bound_all.append(b)
        stages.append({
            "name": str(key), "stage": job.get("stage", "test"),
            "conditional": bool(rules) or "only" in job or "except" in job,
            "condition": cond, "condition_text": " || ".join(r["if_text"] for r in rules if r["if_text"]) or None,
            "rules": rules, "only": job.get("only"), "except": job.get("except"),
            "when": job.get("when", "on_success"), "needs": job.get("needs"),
            "allow_failure": job.get("allow_failure", False),
            "image": _image_name(job.get("image", defaults.get("image"))),
            "environment": variables, "commands": cmds, "teardown": teardown, "bound_env": bound,
        })
    if workflow_rules is not None:
        wr = []
        for r in workflow_rules:
            wr.append({"if": parse_gitlab_expr(path, r["if"], _line(r["if"])) if "if" in r else None,
                       "when": r.get("when", "always")})
        workflow_rules = wr
    return {"system": "gitlab", "file": path, "shell": "sh", "environment": global_vars,
            "workflow_rules": workflow_rules, "stages": stages, "bound_env": bound_all,
            "credentials": [{"variables": [b], "kind": "variable"} for b in bound_all]}


# ---------------------------------------------------------------------------

def system_of(path):
    base = os.path.basename(path)
    if base == "Jenkinsfile" or base.endswith(".groovy") or base.endswith(".Jenkinsfile"):
        return "jenkins"
    if base in (".gitlab-ci.yml", ".gitlab-ci.yaml"):
        return "gitlab"
    if os.path.basename(os.path.dirname(path)) == "workflows" and base.endswith((".yml", ".yaml")):
        return "github"
    fail(path, 0, "cannot tell the CI system from the file name "
         "(Jenkinsfile, .gitlab-ci.yml or .github/workflows/*.yml)")


def extract(path):
    system = system_of(path)
    if system == "jenkins":
        out = Jenkinsfile(path).extract()
        bound = []
        for cred in out["credentials"]:
            for v in cred["variables"]:
                if v not in bound:
                    bound.append(v)
        out["bound_env"] = bound
    elif system == "github":
        out = extract_github(path)
    else:
        out = extract_gitlab(path)
    branches = []
    for st in out["stages"]:
        st["branches"] = branches_of(st["condition"]) if st["condition"] is not None else []
        for b in st["branches"]:
            if b not in branches:
                branches.append(b)
    out["deploy_branch"] = branches[0] if len(branches) == 1 else (branches or None)
    return out


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: extract-steps.py FILE", file=sys.stderr)
        return 2
    try:
        out = extract(argv[1])
    except ExtractError as e:
        print(f"extract-steps: {e}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
