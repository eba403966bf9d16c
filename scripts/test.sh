#!/usr/bin/env bash
# Builds stackc and runs the whole test suite: unit, golden, diagnostic and
# validation tests. Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
# The end-to-end tests (validators, the local AWS endpoint) mostly wait on
# other processes: run tests side by side, two per core.
ctest --test-dir build --output-on-failure -j "$(( $(nproc) * 2 ))" "$@"
