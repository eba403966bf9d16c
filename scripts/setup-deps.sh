#!/usr/bin/env bash
# Installs everything the stackc build and tests need on Debian 12:
#   1. Debian packages with apt-get (skipped when all are already installed,
#      so warm runs take well under a second);
#   2. the pinned npm tools of the Compose, Kubernetes and CI validators
#      (tests/validate/install.sh, installed outside the repo).
# Runs as root or through sudo; never asks questions.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
    # build
    build-essential cmake ninja-build ccache git
    # frontend (ANTLR 4 tool and C++ runtime)
    antlr4 libantlr4-runtime-dev
    # libraries
    libyaml-cpp-dev nlohmann-json3-dev libboost-graph-dev libfmt-dev libjemalloc-dev libxxhash-dev
    # unit tests
    libgtest-dev googletest
    # benchmark (bench/)
    libbenchmark-dev
    # Compose validators, script checks
    docker-compose shellcheck python3 python3-jsonschema python3-yaml
    nodejs npm
    # dependency graph rendering
    graphviz
    # CI validators: Groovy compiles the Jenkinsfiles (on the default Java)
    groovy default-jre-headless
)

# A Node.js that already brings its own npm (such as NodeSource's nodejs
# package, which provides npm and conflicts with Debian's npm package) is kept
# as it is: asking apt for Debian's npm would fail or replace that Node.js.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    kept=()
    for p in "${packages[@]}"; do
        [[ "$p" == nodejs || "$p" == npm ]] || kept+=("$p")
    done
    packages=("${kept[@]}")
fi

# One dpkg-query call for all packages (unknown ones print nothing).
declare -A status=()
while read -r name state; do
    status["$name"]="$state"
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
    [[ "${status[$p]:-}" == installed ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "setup-deps: all ${#packages[@]} Debian packages already installed"
else
    echo "setup-deps: installing Debian packages: ${missing[*]}"
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "setup-deps: not root and sudo not found; install as root:" >&2
            echo "  apt-get install ${missing[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    apt_opts=(-q -o DPkg::Lock::Timeout=600)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
        apt-get "${apt_opts[@]}" update </dev/null
    # Recommends stay out: docker-compose would pull in a whole Docker engine,
    # which the tests do not use.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
        apt-get "${apt_opts[@]}" install -y --no-install-recommends \
        "${missing[@]}" </dev/null
fi

for tool in cmake ninja g++ antlr4 docker-compose shellcheck node npm dot groovy; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "setup-deps: '$tool' still not found after installing" >&2
        exit 1
    fi
done

"$root/tests/validate/install.sh"
