#!/usr/bin/env bash
# Formats the Swift code with the committed .swift-format (2 spaces, 120 columns); `--lint`
# only checks, failing on any difference or rule finding (what CI runs). Generated code
# (*/Generated, rewritten by Scripts/generate-protos.sh) is left as protoc writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find Package.swift Sources Tests Examples/kv-swift PluginProtocol/Package.swift PluginProtocol/Sources \
  Benchmarks/Package.swift Benchmarks/Sources Benchmarks/Tests \
  -name '*.swift' -not -path '*/Generated/*' -not -path '*/.build/*' | sort)
if [ "${1:-}" = "--lint" ]; then
  exec swift format lint --strict --parallel "${files[@]}"
fi
exec swift format format --in-place --parallel "${files[@]}"
