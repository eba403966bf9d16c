#!/usr/bin/env bash
# Fresh machine to first output: installs what the build and the tests need,
# builds stackc, and compiles the bundled example into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target stackc
echo
echo "== stackc build examples/rails-webapp/webapp.stack -t compose -o out"
build/stackc build examples/rails-webapp/webapp.stack -t compose -o out
