#!/bin/sh
# Generates each Worker's Env type from its wrangler.toml (`--check` only verifies).
set -e
cd "$(dirname "$0")/.."
for dir in workers/*/; do
  worker=$(basename "$dir")
  config="$dir/wrangler.toml"
  [ "$worker" = gateway ] && config=wrangler.toml
  wrangler types "$dir/worker-configuration.d.ts" -c "$config" --include-runtime false "$@" >/dev/null
done
