#!/usr/bin/env bash
# Installs the Debian packages Aisle's tests need, when they are missing (fast no-op otherwise).
#   chromium    the browser test (Chromium for Playwright; never `playwright install`)
#   postgresql  the session store tests on a real PostgreSQL server (tests/pg_support.py starts it)
# Usage: scripts/system-deps.sh [chromium] [postgresql]   (no argument: all of them)
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(chromium postgresql)

have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

missing=()
for dep in "${wanted[@]}"; do
  case "$dep" in
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core) ;;
    postgresql) have_postgres || missing+=(postgresql) ;;
    *) echo "unknown system dependency '$dep' (valid: chromium postgresql)" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -gt 0 ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: run 'sudo apt-get install -y ${missing[*]}' (the tests need them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for dep in "${wanted[@]}"; do
  case "$dep" in
    chromium) /usr/bin/chromium --version ;;
    postgresql) have_postgres && ls -d /usr/lib/postgresql/*/bin ;;
  esac
done
