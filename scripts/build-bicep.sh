#!/usr/bin/env bash
# Builds and lints the deployment: every .bicep file under bicep/ and the .bicepparam file.
# With --restore-only it only makes sure the compiler is installed (the `pretest` step).
# The Bicep compiler comes from NuGet (Azure.Bicep.CommandLine.linux-x64) and is restored into
# .tools/ on first use, so the only prerequisite is the .NET SDK. Any linter warning fails the
# build: bicepconfig.json raises every analyzer rule that matters to "error", and a warning that
# the compiler emits outside the analyzer (BCPxxx) is caught here.
set -euo pipefail
cd "$(dirname "$0")/.."

BICEP_VERSION="0.49.2"
PACKAGE="azure.bicep.commandline.linux-x64"
TOOLS_DIR="$PWD/.tools"
PACKAGES_DIR="$TOOLS_DIR/nuget"
BICEP="$TOOLS_DIR/bin/bicep"
OUT_DIR="$PWD/bicep/.out"

restore_bicep() {
  local project_dir="$TOOLS_DIR/bicep-restore"
  mkdir -p "$project_dir" "$TOOLS_DIR/bin"
  # PackageDownload fetches the package without making it a dependency of anything; the
  # throwaway project only exists to drive `dotnet restore`.
  cat >"$project_dir/bicep-restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(dotnet --version | cut -d. -f1).0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
EOF
  echo "Restoring Bicep $BICEP_VERSION from NuGet into .tools/"
  dotnet restore "$project_dir/bicep-restore.csproj" --packages "$PACKAGES_DIR" --nologo -v quiet

  local binary
  binary="$(find "$PACKAGES_DIR/$PACKAGE/$BICEP_VERSION" -type f -name bicep | head -n 1)"
  if [[ -z "$binary" ]]; then
    echo "The package $PACKAGE $BICEP_VERSION holds no bicep binary" >&2
    exit 1
  fi
  chmod +x "$binary"
  ln -sf "$binary" "$BICEP"
}

if [[ ! -x "$BICEP" ]] || ! "$BICEP" --version | grep -q "$BICEP_VERSION"; then
  if ! command -v dotnet >/dev/null; then
    echo "The Bicep compiler is missing and the .NET SDK (dotnet) that restores it is not installed" >&2
    exit 1
  fi
  restore_bicep
fi
"$BICEP" --version
# --restore-only: make sure the compiler is there (npm test compiles the template itself).
if [[ "${1:-}" == "--restore-only" ]]; then
  exit 0
fi

mkdir -p "$OUT_DIR"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
failed=0

run() {
  # The compiler prints diagnostics on stderr as "path(line,col) : Warning|Error code: text".
  if ! "$@" 2>"$LOG"; then failed=1; fi
  cat "$LOG" >&2
  if grep -Eq ': (Warning|Error) ' "$LOG"; then failed=1; fi
}

# Every file is linted, modules included, so that a module warning fails even where main.bicep
# would not surface it; only the entry points are built to files (modules are compiled into them).
echo "lint  bicep/**/*.bicep"
run "$BICEP" lint --pattern 'bicep/**/*.bicep' --diagnostics-format default

echo "build bicep/main.bicep"
run "$BICEP" build bicep/main.bicep --outfile "$OUT_DIR/main.json"
echo "build bicep/main.bicepparam"
run "$BICEP" build-params bicep/main.bicepparam --outfile "$OUT_DIR/main.parameters.json"

if [[ "$failed" -ne 0 ]]; then
  echo "Bicep build failed: errors or warnings above" >&2
  exit 1
fi
echo "Bicep build clean: 0 errors, 0 warnings (output in bicep/.out/)"
