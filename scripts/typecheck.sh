#!/bin/sh
# Typechecks everything: generated Env types up to date, then each tsconfig (one per Worker, so Env types never mix).
set -e
cd "$(dirname "$0")/.."
scripts/worker-types.sh --check
tsc -p tsconfig.json
for dir in workers/*/; do
  tsc -p "$dir"
done
tsc -p test
tsc -p scripts
