#!/usr/bin/env python3
"""Validate Compose files against the compose-spec JSON schema.

Usage: compose_schema.py SCHEMA FILE...

SCHEMA is the compose-spec schema (validate-compose.sh passes the copy shipped
by the pinned npm package dclint).  Each FILE is parsed as YAML and checked as
it is, without variable interpolation: a value such as "${DB_PASSWORD:?set it}"
is a plain string to the schema.

For every problem one line is printed:

    FILE: path.to.field: message

Exit status: 0 when every file is valid, 1 when any file is not, 2 on usage
errors or an unreadable schema.

Needs the Python modules jsonschema and yaml (Debian: python3-jsonschema,
python3-yaml); run it with /usr/bin/python3 when another python3 comes first
on PATH.
"""

import json
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        "compose_schema.py: missing Python module (%s); install the Debian "
        "packages python3-jsonschema and python3-yaml and run with "
        "/usr/bin/python3\n" % exc
    )
    sys.exit(2)


class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """Safe loader that rejects duplicate keys and keeps timestamps as text.

    Compose implementations reject a mapping with the same key twice, while
    PyYAML silently keeps the last one.  YAML 1.1 timestamps would become
    date objects, which are not JSON types, so they stay strings.
    """


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "found unhashable key", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "found duplicate key %r (first at line %d)"
                % (key, seen[key].line + 1),
                key_node.start_mark)
        seen[key] = key_node.start_mark
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _path(error):
    parts = [str(p) for p in error.absolute_path]
    return ".".join(parts) if parts else "(root)"


def _leaf_errors(error):
    """Turn a oneOf/anyOf failure into the most relevant nested error(s).

    Alternatives that fail only because the value has another type (e.g. the
    list form of depends_on when a mapping was written) are dropped; the
    best nested error of the remaining alternatives is reported.  When every
    alternative fails on its type, the generic message is kept.
    """
    if not error.context:
        return [error]
    here = list(error.absolute_path)
    fitting = [e for e in error.context
               if not (e.validator == "type" and list(e.absolute_path) == here)]
    best = jsonschema.exceptions.best_match(fitting)
    if best is None:
        return [error]
    return _leaf_errors(best)


def _report(name, error):
    """Yield the "name: path: message" lines for one leaf error."""
    if error.validator == "additionalProperties" and isinstance(
            error.instance, dict):
        props = error.schema.get("properties", {})
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [k for k in error.instance
                 if k not in props
                 and not any(re.search(p, str(k)) for p in patterns)]
        if extra:
            for key in extra:
                path = list(error.absolute_path) + [key]
                yield "%s: %s: unknown key %r (not allowed here)" % (
                    name, ".".join(str(p) for p in path), key)
            return
    msg = error.message
    if len(msg) > 300:
        msg = msg[:297] + "..."
    yield "%s: %s: %s" % (name, _path(error), msg)


def validate_file(validator, name):
    """Return a list of "name: path: message" lines for one file."""
    try:
        with open(name, encoding="utf-8") as handle:
            doc = yaml.load(handle, Loader=_Loader)  # noqa: S506 (safe)
    except OSError as exc:
        return ["%s: (file): %s" % (name, exc.strerror or exc)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        if mark is not None and problem:
            text = "line %d, column %d: %s" % (mark.line + 1, mark.column + 1,
                                               problem)
        else:
            text = " ".join(str(exc).split())
        return ["%s: (yaml): %s" % (name, text)]

    if not isinstance(doc, dict):
        return ["%s: (root): a Compose file must be a YAML mapping, got %s"
                % (name, "an empty document" if doc is None
                   else type(doc).__name__)]

    lines = []
    seen = set()
    errors = sorted(validator.iter_errors(doc),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for top in errors:
        for err in _leaf_errors(top):
            for line in _report(name, err):
                if line not in seen:
                    seen.add(line)
                    lines.append(line)
    return lines


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: compose_schema.py SCHEMA FILE...\n")
        return 2
    try:
        with open(argv[1], encoding="utf-8") as handle:
            schema = json.load(handle)
        # The compose-spec schema is draft-07 (its "$schema" uses an https
        # URL that older jsonschema releases do not recognise, so pin it).
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as exc:
        sys.stderr.write("compose_schema.py: cannot use schema %s: %s\n"
                         % (argv[1], exc))
        return 2
    validator = jsonschema.Draft7Validator(schema)

    failed = False
    for name in argv[2:]:
        lines = validate_file(validator, name)
        if lines:
            failed = True
            for line in lines:
                print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
