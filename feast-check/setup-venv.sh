#!/usr/bin/env bash
# Creates (or refreshes) the pinned Feast environment the Feast checks use: .venv-feast at the
# repository root. Re-running is cheap: it reinstalls only when a pinned requirement is missing.
#
# The venv records the requirement lines it was built from. It is reused when it holds every line
# asked for now, so checkouts whose pins differ only by added lines (branches adding a package)
# share one venv instead of rebuilding it in turn. Test workers call this in parallel: the build
# runs under a lock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
venv="${SKEWLESS_FEAST_VENV:-$root/.venv-feast}"
python="${PYTHON:-python3}"
stamp="$venv/.requirements"

# The pins as a sorted set of lines: comments and blank lines do not count.
wanted() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$here/requirements.txt" "$here/requirements.lock" | grep -v '^$' | LC_ALL=C sort -u; }

installed() {
  [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ -z "$(LC_ALL=C comm -23 <(wanted) "$stamp")" ]
}
installed && exit 0

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
installed && exit 0   # another worker finished the build while we waited

# An existing venv is brought to the pins in place (pip changes only what differs), never wiped:
# other test workers may be running Feast from it right now.
if [ ! -x "$venv/bin/python" ]; then
  echo "feast-check: creating $venv (Feast 0.66, pinned)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
else
  echo "feast-check: updating $venv to the pins" >&2
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" -c "$here/requirements.lock"
"$venv/bin/python" -c "import feast, sys; assert feast.__version__.startswith('0.66.'), feast.__version__"
"$venv/bin/python" -c "import grpc, grpc_health, grpc_reflection"   # `feast ui`, `feast serve_registry`, remote registry
# The stamp keeps the lines of other checkouts' pins, except for packages this install pinned
# (a changed version replaces the old line, so the stamp never claims a version pip replaced).
{
  wanted
  if [ -f "$stamp" ]; then
    awk 'function name(l) { sub(/[=<>!~ ;[].*/, "", l); l = tolower(l); gsub(/[-_.]+/, "-", l); return l }
         NR == FNR { pinned[name($0)] = 1; next }
         !(name($0) in pinned)' <(wanted) "$stamp"
  fi
} | LC_ALL=C sort -u > "$stamp.new"
mv "$stamp.new" "$stamp"
