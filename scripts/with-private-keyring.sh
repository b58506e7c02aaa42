#!/usr/bin/env bash
# Runs a command where the OS keychain works: the keychain tests and `npm run soak` use the real
# one. Where no Secret Service session is running (CI, a server), a private D-Bus session with its
# own gnome-keyring is started for the command and is gone when it ends; on a desktop the command
# runs in the session that is there. Usage: with-private-keyring.sh COMMAND [ARG…]
set -euo pipefail

# The private keyring's password: it guards nothing but this run's throwaway test items.
readonly test_keyring_password=test-keyring
readonly self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

start_private_keyring_session() {
  local home
  home=$(mktemp -d)
  trap "rm -rf '$home'" EXIT
  mkdir -p "$home/services" "$home/data"
  # The Secret Service is started by the bus itself, on the first call, as a child of the bus: a
  # daemon that forks off on its own leaves the run's process tree, and whatever then ends it
  # mid-run leaves the tests with a locked keyring. Started this way it is also started again,
  # and unlocked again, should it ever exit, and its keyring file stays in this run's folder.
  cat >"$home/secret-service" <<SCRIPT
#!/bin/sh
echo '$test_keyring_password' | exec gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null
SCRIPT
  chmod +x "$home/secret-service"
  cat >"$home/services/org.freedesktop.secrets.service" <<SERVICE
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=$home/secret-service
SERVICE
  # Only this folder's services: the system's would start a keyring that no one unlocked.
  cat >"$home/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$home/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  RECORDING_UPLOADER_TEST_KEYRING=private XDG_DATA_HOME="$home/data" \
    dbus-run-session --config-file="$home/session.conf" -- bash "$self" "$@"
}

# Starts the Secret Service now rather than in the first use, and stops with a clear message when
# its login keyring is not there unlocked.
check_private_keyring() {
  local locked
  locked=$(dbus-send --session --print-reply --reply-timeout=30000 --dest=org.freedesktop.secrets \
    /org/freedesktop/secrets/collection/login org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked 2>&1) || true
  if [[ "$locked" != *"boolean false"* ]]; then
    echo "$(basename "$0"): the private gnome-keyring did not come up with an unlocked login keyring: $locked" >&2
    exit 1
  fi
}

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${RECORDING_UPLOADER_TEST_KEYRING:-}" ] &&
  command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  start_private_keyring_session "$@"
  exit
fi
if [ "${RECORDING_UPLOADER_TEST_KEYRING:-}" = private ]; then check_private_keyring; fi
exec "$@"
