#!/usr/bin/env bash
# Starts throw-away PostgreSQL, Redis and nginx on 127.0.0.1 for the scaled layout (the same
# code as `make run-scaled`, without the Vigie processes), prints the environment the replicas
# need as `export` lines, and on Ctrl-C stops all three and deletes their data directory.
#   scripts/scaled-services.sh [--front-port 8080 | --free-ports] [--keep]
# Needs Debian's postgresql, redis-server and nginx (scripts/system-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/vigie scaled-services "$@"
