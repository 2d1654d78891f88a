#!/bin/sh
# Regenerate the Python gRPC stubs in proto_gen/ from the shared .proto files in
# ../../Protos (relative to this script, so it works from any working directory).
#
# Needs grpcio-tools (pinned in requirements.txt). Uses the interpreter named by
# $PYTHON, default `python` (e.g. the one of an activated .venv).
#
# The health service is NOT generated: goplugin.py uses grpc_health.v1 from the
# grpcio-health-checking package. The broker proto is not needed either.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
protos="$here/../../Protos"
out="$here/proto_gen"
PYTHON=${PYTHON:-python}

rm -rf "$out"
mkdir -p "$out/plugin"

# grpc_tools.protoc adds its bundled well-known types (google/protobuf/empty.proto) itself. No
# cd: a relative $PYTHON (PYTHON=.venv/bin/python, as plugin.json's build gives it) stays valid.
"$PYTHON" -m grpc_tools.protoc \
    -I "$protos" \
    --python_out="$out" \
    --grpc_python_out="$out" \
    kv.proto \
    plugin/grpc_controller.proto \
    plugin/grpc_stdio.proto

# Make proto_gen/plugin a regular package. The generated code imports
# `from plugin import grpc_controller_pb2`; without __init__.py it would be a namespace
# package, which loses against the example's own plugin.py on sys.path.
: > "$out/plugin/__init__.py"

echo "generated stubs in $out:"
cd "$out" && find . -name '*.py' | sort
