#!/usr/bin/env bash
# The Python packages Feast 0.66's OIDC server path needs but the pinned Feast environment lacks:
# PyJWT verifies RS256 only with `cryptography` installed (without it every token is refused with
# MissingCryptographyError). Installed into a folder of their own, outside the repository, so the
# shared Feast venv is left untouched; the Feast auth test puts the folder on PYTHONPATH.
# Idempotent: prints the folder, reinstalls only when the pins below change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
venv="${SKEWLESS_FEAST_VENV:-$root/.venv-feast}"
target="${SKEWLESS_FEAST_AUTH_EXTRAS:-$HOME/.cache/skewless/feast-auth-extras}"
pins=(cryptography==46.0.3 cffi==2.0.0 pycparser==2.23)
want=$(printf '%s\n' "${pins[@]}" | sha256sum | cut -d' ' -f1)
stamp="$target/.pins.sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$target"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --target "$target" "${pins[@]}"
  PYTHONPATH="$target" "$venv/bin/python" -c "from cryptography.hazmat.primitives.asymmetric import rsa"
  echo "$want" > "$stamp"
fi
echo "$target"
