#!/usr/bin/env bash
# Installs the local servers the registry store tests run against, in .venv-emulators/ at the
# repository root:
#   - an S3-compatible server: moto's S3 backend (pinned in scripts/emulators/requirements.*),
#     started by scripts/emulators/s3_server.py;
#   - a GCS emulator: fake-gcs-server, built with `go install` at the version pinned below.
# Idempotent: when the stamp matches the pinned versions it returns at once. Test workers call it
# in parallel, so the install runs under a lock.
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
installed && exit 0

if ! command -v go >/dev/null; then
  echo "setup-emulators: fake-gcs-server is built from source and needs Go >= 1.26 on PATH" >&2
  exit 1
fi

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
installed && exit 0   # another worker finished the install while we waited

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
