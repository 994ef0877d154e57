#!/usr/bin/env bash
# Builds (once) a Debian sid root with matrix-synapse, for the end-to-end tests.
# The root lives in a cache folder outside the clone so fresh clones on one machine reuse it.
# It is built in a temporary folder and renamed into place only when complete.
set -euo pipefail

ROOT="${SYNAPSE_ROOT:-$HOME/.cache/matrix-bridge/synapse-root}"
MARKER="$ROOT/.complete"

if [ -f "$MARKER" ] && [ -x "$ROOT/usr/bin/python3" ] \
   && chroot "$ROOT" python3 -c 'import synapse' 2>/dev/null; then
  echo "synapse root ready: $ROOT"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# Use the host's own configured Debian mirror; never hard-code a registry host.
MIRROR=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list ]; then
  MIRROR=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
fi
if [ -z "$MIRROR" ]; then
  echo "cannot find a Debian mirror in the host's apt configuration" >&2
  exit 1
fi

mkdir -p "$(dirname "$ROOT")"
TMP="$ROOT.building.$$"
rm -rf "$TMP"
echo "building synapse root in $TMP (takes a few minutes)"
debootstrap --variant=minbase --include=matrix-synapse,python3-cffi-backend sid "$TMP" "$MIRROR" >"$TMP.log" 2>&1 || {
  echo "debootstrap failed; last lines of its log:" >&2
  tail -n 30 "$TMP.log" >&2
  exit 1
}
chroot "$TMP" python3 -c 'import synapse' 
touch "$TMP/.complete"
rm -rf "$ROOT"
mv "$TMP" "$ROOT"
rm -f "$TMP.log"
echo "synapse root ready: $ROOT"
