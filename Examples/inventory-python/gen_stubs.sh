#!/bin/sh
# Regenerate the Python stubs in proto_gen/: inventory.proto from protos/ and go-plugin's
# controller and stdio services from ../../Protos (relative to this script).
#
# Needs grpcio-tools (pinned in requirements.txt). Uses the interpreter named by $PYTHON,
# default `python` (e.g. the one of an activated .venv).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/proto_gen"
PYTHON=${PYTHON:-python}

rm -rf "$out"
mkdir -p "$out/plugin"
"$PYTHON" -m grpc_tools.protoc -I "$here/protos" --python_out="$out" --grpc_python_out="$out" inventory.proto
# No cd: a relative $PYTHON (PYTHON=.venv/bin/python, as plugin.json's build gives it) stays valid.
"$PYTHON" -m grpc_tools.protoc -I "$here/../../Protos" --python_out="$out" --grpc_python_out="$out" \
    plugin/grpc_controller.proto plugin/grpc_stdio.proto
# A regular package (see Examples/kv-python/gen_stubs.sh).
: > "$out/plugin/__init__.py"
echo "generated stubs in $out:"
cd "$out" && find . -name '*.py' | sort
