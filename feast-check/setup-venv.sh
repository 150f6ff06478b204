#!/usr/bin/env bash
# Creates (or refreshes) the pinned Feast environment the Feast checks use: .venv-feast at the
# repository root. Re-running is cheap: it reinstalls only when the pinned requirements changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
venv="${SKEWLESS_FEAST_VENV:-$root/.venv-feast}"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"
want=$(cat "$here/requirements.txt" "$here/requirements.lock" | sha256sum | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "feast-check: creating $venv (Feast 0.66, pinned)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" -c "$here/requirements.lock"
"$venv/bin/python" -c "import feast, sys; assert feast.__version__.startswith('0.66.'), feast.__version__" 
echo "$want" > "$stamp"
