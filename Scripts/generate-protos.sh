#!/usr/bin/env bash
# Regenerates the committed Swift code in Sources/PluginProtocol/Generated from Protos/.
# Needs protoc (Debian: apt-get install protobuf-compiler); the two Swift generators are
# built from this package's own dependencies (swift-protobuf, grpc-swift-protobuf).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }
swift build --product protoc-gen-swift >&2
swift build --product protoc-gen-grpc-swift-2 >&2
BIN=$(swift build --show-bin-path)
OUT=Sources/PluginProtocol/Generated
rm -f "$OUT"/*.swift
PROTOS=(kv.proto grpc/health/v1/health.proto plugin/grpc_controller.proto plugin/grpc_stdio.proto plugin/grpc_broker.proto)
OPTS=Visibility=Public,FileNaming=PathToUnderscores
protoc -I Protos -I /usr/include \
  --plugin=protoc-gen-swift="$BIN/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift-2="$BIN/protoc-gen-grpc-swift-2" \
  --swift_out="$OUT" --swift_opt="$OPTS" \
  --grpc-swift-2_out="$OUT" --grpc-swift-2_opt="$OPTS" \
  "${PROTOS[@]}"
ls "$OUT"
