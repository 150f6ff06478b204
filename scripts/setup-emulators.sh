#!/usr/bin/env bash
# Installs the local servers the registry store tests run against, in .venv-emulators/ at the
# repository root:
#   - an S3-compatible server: moto's S3 backend (pinned in scripts/emulators/requirements.*),
#     started by scripts/emulators/s3_server.py;
#   - a GCS emulator: fake-gcs-server, built with `go install` at the version pinned below;
#   - a BigQuery emulator: bqemulator (pinned in scripts/emulators/bigquery.*), in its own venv
#     beside the first ("<dir>-bigquery"), started by scripts/emulators/bigquery_server.py;
#   - a Snowflake emulator: fakesnow's server (pinned in scripts/emulators/snowflake.*), in its own
#     venv ("<dir>-snowflake"), started by scripts/emulators/snowflake_server.py. That launcher
#     patches fakesnow in its own process: sessions of the Node.js driver get JSON results, as
#     Snowflake answers that driver, where fakesnow answers Arrow only (see the launcher).
# Idempotent: when a part's stamp matches its pinned versions it is skipped at once. Test workers
# call it in parallel, so each install runs under a lock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
dir="${SKEWLESS_EMULATORS_DIR:-$root/.venv-emulators}"
python="${PYTHON:-python3}"
fake_gcs_module=github.com/fsouza/fake-gcs-server
fake_gcs_version=v1.56.1
stamp="$dir/.installed.sha256"
want=$( { cat "$here/emulators/requirements.txt" "$here/emulators/requirements.lock"; echo "$fake_gcs_module@$fake_gcs_version"; } | sha256sum | cut -d' ' -f1)

installed() {
  [ -x "$dir/bin/python" ] && [ -x "$dir/bin/fake-gcs-server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]
}
install_base() {
installed && return 0

if ! command -v go >/dev/null; then
  echo "setup-emulators: fake-gcs-server is built from source and needs Go >= 1.26 on PATH" >&2
  exit 1
fi

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
installed && return 0   # another worker finished the install while we waited

echo "setup-emulators: installing moto (S3) and fake-gcs-server $fake_gcs_version into $dir" >&2
rm -rf "$dir"
"$python" -m venv "$dir"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
# The two installs are independent: run them side by side.
"$dir/bin/pip" install --quiet --disable-pip-version-check \
  -r "$here/emulators/requirements.txt" -c "$here/emulators/requirements.lock" >"$log/pip" 2>&1 &
pip_pid=$!
GOBIN="$dir/bin" GOFLAGS="${GOFLAGS:-} -modcacherw" CGO_ENABLED=0 \
  go install "$fake_gcs_module@$fake_gcs_version" >"$log/go" 2>&1 &
go_pid=$!
status=0
wait "$pip_pid" || { status=1; echo "setup-emulators: pip install failed:" >&2; cat "$log/pip" >&2; }
wait "$go_pid" || { status=1; echo "setup-emulators: go install $fake_gcs_module@$fake_gcs_version failed:" >&2; cat "$log/go" >&2; }
[ "$status" = 0 ] || exit 1
"$dir/bin/python" -c "import moto, flask; assert moto.__version__ == '5.2.5', moto.__version__"
echo "$want" > "$stamp"
}

bq_dir="$dir-bigquery"
bq_stamp="$bq_dir/.installed.sha256"
bq_want=$(cat "$here/emulators/bigquery.txt" "$here/emulators/bigquery.lock" | sha256sum | cut -d' ' -f1)

bq_installed() {
  [ -x "$bq_dir/bin/python" ] && [ "$(cat "$bq_stamp" 2>/dev/null)" = "$bq_want" ]
}

install_bigquery() {
  bq_installed && return 0
  mkdir -p "$(dirname "$bq_dir")"
  exec 8>"$bq_dir.lock"
  flock 8
  bq_installed && return 0
  echo "setup-emulators: installing bqemulator (BigQuery) into $bq_dir" >&2
  rm -rf "$bq_dir"
  "$python" -m venv "$bq_dir"
  local log
  log=$(mktemp)
  if ! "$bq_dir/bin/pip" install --quiet --disable-pip-version-check \
      -r "$here/emulators/bigquery.txt" -c "$here/emulators/bigquery.lock" >"$log" 2>&1; then
    echo "setup-emulators: pip install of bqemulator failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  "$bq_dir/bin/python" -c "import bqemulator, duckdb, duckdb_extension_spatial; assert duckdb.__version__ == '1.5.5', duckdb.__version__"
  echo "$bq_want" > "$bq_stamp"
}

sf_dir="$dir-snowflake"
sf_stamp="$sf_dir/.installed.sha256"
sf_want=$(cat "$here/emulators/snowflake.txt" "$here/emulators/snowflake.lock" | sha256sum | cut -d' ' -f1)

sf_installed() {
  [ -x "$sf_dir/bin/python" ] && [ "$(cat "$sf_stamp" 2>/dev/null)" = "$sf_want" ]
}

install_snowflake() {
  sf_installed && return 0
  mkdir -p "$(dirname "$sf_dir")"
  exec 7>"$sf_dir.lock"
  flock 7
  sf_installed && return 0
  echo "setup-emulators: installing fakesnow (Snowflake) into $sf_dir" >&2
  rm -rf "$sf_dir"
  "$python" -m venv "$sf_dir"
  local log
  log=$(mktemp)
  if ! "$sf_dir/bin/pip" install --quiet --disable-pip-version-check \
      -r "$here/emulators/snowflake.txt" -c "$here/emulators/snowflake.lock" >"$log" 2>&1; then
    echo "setup-emulators: pip install of fakesnow failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  "$sf_dir/bin/python" -c "import fakesnow.server, uvicorn; from importlib.metadata import version; assert version('fakesnow') == '0.12.1', version('fakesnow')"
  echo "$sf_want" > "$sf_stamp"
}

install_base
install_bigquery
install_snowflake
