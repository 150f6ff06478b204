#!/usr/bin/env bash
# Run before `npm test`: the suites start real redis-server processes. On a fresh Debian machine
# (as root) this installs them; elsewhere it says what to install.
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test-prereqs: installing redis-server with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server redis-tools openssl >/dev/null
  exit 0
fi
echo "test-prereqs: the tests need redis-server and redis-cli on PATH (Debian: apt-get install redis-server)" >&2
exit 1
