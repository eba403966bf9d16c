#!/usr/bin/env python3
"""Writes a synthetic stack file with N components for the benchmark.

Every group of ten components holds one shared database (PostgreSQL and
Redis alternate), six apps whose env reads the group's databases (url, host,
port) and an app of the previous group, two tasks `from` an app (a setup
task ordered `before` it and a test task that `needs` its database) and a
balancer routed to an app. A `test` and a `production` profile give the
Compose backend its test file and the lowering a second and third profile.
The output compiles without errors. For `-t all` the ECS target warns
(W0402) about what ECS cannot place: each Redis database, and each app URL
that no balancer fronts (about 0.85 warnings per component), so a build also
exercises the reporting of diagnostics at scale.

usage: generate_stack.py N [OUTPUT]   (OUTPUT defaults to standard output)
"""
import sys

KINDS = ["database", "app", "app", "app", "app", "app", "app", "task", "task", "balancer"]


def generate(n):
    out = []
    w = out.append
    w(f"# Synthetic stack with {n} components, written by bench/generate_stack.py.")
    w(f"stack bench-{n}")
    w("")
    w('import "std/postgres"')
    w('import "std/redis"')
    w("")
    w('param tag  = "1.0"')
    w('param mode = "development"')
    w("")
    databases = []  # (name, engine) of every database so far
    apps = []
    production = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        group = i // len(KINDS)
        name = f"{kind[:2]}{i}"
        if kind == "database" or not databases:
            kind = "database"
            name = f"db{i}"
            if group % 2 == 0:
                w(f"database {name} : postgres {{")
                w(f'  name     = "app{i}_${{mode}}"')
                w(f'  user     = "user{i}"')
                w(f'  password = secret("db{i}-password")')
                w("}")
                production.append(f"  {name}.storage = 10Gi")
            else:
                w(f"database {name} : redis {{}}")
                production.append(f"  {name}.storage = 1Gi")
            databases.append(name)
        elif kind == "app" or not apps:
            kind = "app"
            name = f"app{i}"
            db = databases[-1]
            other = databases[-2] if len(databases) > 1 else db
            w(f"app {name} {{")
            w(f'  image  = "example/{name}:${{tag}}"')
            w(f"  port   = {3000 + i % 1000}")
            w('  health = "/up"')
            w("  env    = {")
            w(f"    MODE         = mode")
            w(f"    DATABASE_URL = {db}.url")
            w(f"    DB_HOST      = {db}.host")
            w(f"    DB_PORT      = {db}.port")
            w(f"    CACHE_URL    = {other}.url")
            if apps and i % 3 == 0:
                w(f"    UPSTREAM_URL = {apps[-1]}.url")
            w(f'    LOG_LEVEL    = "info"')
            w(f'    WORKERS      = "{1 + i % 8}"')
            w("  }")
            if i % 4 == 0:
                w("  cpu    = 500m")
                w("  memory = 512Mi")
            w("}")
            production.append(f"  {name}.replicas = {2 + i % 3}")
            apps.append(name)
        elif kind == "task":
            app = apps[-1]
            if i % 10 == 7:
                name = f"migrate{i}"
                w(f"task {name} {{")
                w(f"  from    = {app}")
                w('  command = ["bin/rails", "db:migrate"]')
                w(f"  before  = [{app}]")
                w("}")
            else:
                name = f"test{i}"
                w(f"task {name} {{")
                w(f"  from    = {app}")
                w('  role    = "test"')
                w('  command = ["bin/rake", "test"]')
                w(f"  needs   = [{databases[-1]}]")
                w('  env     = { RAILS_ENV = "test" }')
                w("}")
        else:
            name = f"lb{i}"
            w(f"balancer {name} {{")
            w(f"  route = {apps[-1]}")
            w(f"  port  = {10000 + i}")
            w("}")
            production.append(f"  {name}.public = true")
        w("")
    w("profile test {")
    w('  mode = "test"')
    w("}")
    w("")
    w("profile production {")
    w('  mode = "production"')
    out.extend(production)
    w("}")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) not in (2, 3) or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write(__doc__)
        return 2
    text = generate(int(argv[1]))
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
