#!/usr/bin/env bash
# `npm test`: lint, type checks, then every test that needs no display. The keychain tests use the
# real OS keychain, so the whole run goes through with-private-keyring.sh (a private Secret Service
# where none is running).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${RECORDING_UPLOADER_TEST_KEYRING:-}" != private ] && [ "${1:-}" != --in-keyring ]; then
  exec bash scripts/with-private-keyring.sh bash scripts/test.sh --in-keyring "$@"
fi
[ "${1:-}" = --in-keyring ] && shift

npx biome check .
npx tsc -b tsconfig.json
npx vitest run "$@"
