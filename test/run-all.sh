#!/usr/bin/env bash
# npm test: every suite in order (types, unit, conformance, integration, workerd, browser, faults), then one summary line.
set -u
cd "$(dirname "$0")/.."
out=test-output/results
rm -rf "$out"; mkdir -p "$out"
failed_stages=()

stage() { # stage NAME COMMAND...: runs one suite, keeps its output, records failure
  local name=$1; shift
  echo
  echo "=== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$out/$name.log"
  local rc=${PIPESTATUS[0]}
  echo "=== $name: exit $rc in $((SECONDS - start)) s"
  [ "$rc" -eq 0 ] || failed_stages+=("$name")
}

vitest_stage() { # vitest_stage NAME [vitest args...]: a vitest run whose counts go into the summary
  local name=$1; shift
  stage "$name" npx vitest run --reporter=default --reporter=json --outputFile.json="$out/$name.json" "$@"
}

stage typecheck npm run -s typecheck
vitest_stage unit
stage omtest npx tsx test/openmetrics/cli.ts
stage promqltest npx tsx test/promqltest/cli.ts
# Every suite runs unconditionally: a missing config must fail the run, not drop the suite silently.
for suite in integration workerd browser; do
  vitest_stage "$suite" --config "test/$suite/vitest.config.ts"
done
# Faults: the gateway as a real process, killed and restarted, flapping targets, a dead webhook receiver (~1.5 min;
# `npm run bench:faults` is the long mode with the 2-minute webhook outage).
vitest_stage faults --config test/faults/vitest.config.ts

node test/summary.mjs "$out" "${failed_stages[@]}"
