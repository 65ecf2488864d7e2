#!/usr/bin/env bash
# The whole test suite: types, lint, then every package's tests against real services
# (PostgreSQL, Redis and a Kubernetes control plane, all started by the tests themselves).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck"
npx tsc -p tsconfig.json
npx tsc -p dashboard/tsconfig.json
echo "== lint"
npx biome check .
echo "== tests"
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
if [[ -s $report ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$report"
fi
rm -f "$report"
exit $status
