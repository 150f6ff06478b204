#!/usr/bin/env bash
# Builds the Pulumi CLI at the version @pulumi/pulumi is pinned to, from Go modules, into a cache
# outside the repository (default ~/.cache/skewless/pulumi-v<version>/bin), and prints the
# binary's folder. Re-running returns at once when the binary is there.
#   The CLI's main package lives in github.com/pulumi/pulumi/pkg/v3, whose go.mod has replace
#   directives, so `go install ...@version` is refused: a throwaway module requires pkg and sdk
#   and repeats the one replace the build needs. The version ldflag matters: without it the CLI
#   reports no version and the Automation API refuses it.
set -euo pipefail
version="${PULUMI_CLI_VERSION:-3.248.0}"
cache="${SKEWLESS_PULUMI_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skewless/pulumi-v$version}"
bin="$cache/bin"
if [ -x "$bin/pulumi" ] && "$bin/pulumi" version 2>/dev/null | grep -qx "v$version"; then
  echo "$bin"; exit 0
fi
command -v go >/dev/null || { echo "setup-pulumi-cli: building the Pulumi CLI needs Go on PATH" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache.lock"
flock 9
if [ -x "$bin/pulumi" ] && "$bin/pulumi" version 2>/dev/null | grep -qx "v$version"; then
  echo "$bin"; exit 0
fi
src="$cache/src"
rm -rf "$src"; mkdir -p "$src" "$bin"
cat > "$src/go.mod" <<MOD
module skewless.local/pulumi-cli

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
cat > "$src/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
echo "setup-pulumi-cli: building Pulumi CLI v$version from Go modules (a few minutes the first time)" >&2
cd "$src"
go mod tidy -e >&2
go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
  -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
"$bin/pulumi" version >&2
echo "$bin"
