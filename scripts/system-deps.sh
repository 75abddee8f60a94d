#!/usr/bin/env bash
# Installs the Debian packages Vigie needs (PostgreSQL, Chromium, DejaVu fonts, Redis, nginx)
# when missing.
# Idempotent: does nothing when all are present; runs `apt-get update` only when a package
# must be installed. Works as root (CI, containers) or through sudo when there is one.
set -euo pipefail

PACKAGES=(postgresql chromium fonts-dejavu-core redis-server nginx fonts-noto-color-emoji)
# fonts: tools/cards/render.py; redis-server, nginx: make run-scaled, make bench, tests/scaled;
# emoji font: the web chat's browser screenshots (docs/screenshots)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: ${PACKAGES[*]} already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "system-deps: missing ${missing[*]}; run this script as root to install them" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "system-deps: installing ${missing[*]}"
if ! "${as_root[@]}" apt-get install -y -q "${missing[@]}"; then
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" apt-get install -y -q "${missing[@]}"
fi
