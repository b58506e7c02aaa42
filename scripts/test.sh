#!/usr/bin/env bash
# `npm test`: lint, type checks, then every test that needs no display. The keychain tests use the
# real OS keychain: where no Secret Service session is running (CI, a server), a private D-Bus
# session with an unlocked gnome-keyring is started for the run and is gone when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${RECORDING_UPLOADER_TEST_KEYRING:-}" ] &&
  command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  export RECORDING_UPLOADER_TEST_KEYRING=private
  exec dbus-run-session -- bash "$0" "$@"
fi
if [ "${RECORDING_UPLOADER_TEST_KEYRING:-}" = private ]; then
  # A keyring file of its own too: daemons of other runs must never share (and lose) its items.
  XDG_DATA_HOME=$(mktemp -d)
  export XDG_DATA_HOME
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
  echo test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
fi

npx biome check .
npx tsc -b tsconfig.json
npx vitest run "$@"
