#!/usr/bin/env bash
# CI: `npm run new:worker demo` in a temporary copy of this checkout must give a Worker
# that the lint, the typecheck, `npm test` and `npm run dev` pick up with no other edit.
set -euo pipefail
cd "$(dirname "$0")/.."
copy=$(mktemp -d)
dev=""
# npm run dev's children (wrangler, workerd, the Stripe stand-in) share its process group: stop them all.
trap '[ -n "$dev" ] && kill -- -"$dev" 2>/dev/null; rm -rf "$copy"' EXIT
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy"
ln -s "$PWD/node_modules" "$copy/node_modules"
cd "$copy"
export XDG_CONFIG_HOME="$copy/.config"

npm run new:worker demo
npm run lint
npm run typecheck
npx vitest run --project demo

# npm run dev starts it beside the others: wrangler lists each Worker it loaded with its bindings.
PORT=18787 STRIPE_FAKE_PORT=18111 setsid npm run dev >dev.log 2>&1 &
dev=$!
for _ in $(seq 1 180); do
  if grep -q "Marketplace running" dev.log; then break; fi
  sleep 1
done
grep -q "^demo has access to the following bindings" dev.log || { cat dev.log; echo "npm run dev did not start demo"; exit 1; }
echo "new:worker demo: linted, typechecked, tested and started by npm run dev"
