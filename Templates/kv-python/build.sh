#!/bin/sh
# Builds {{name}}: a virtualenv (.venv) with requirements.txt, and the gRPC stubs that
# plugin.py and goplugin.py import, generated from protos/ into proto_gen/.
#
# `plugin-dev run` runs this before every start (the "build" of plugin.json), so it is quick
# when nothing changed: each step is skipped while its inputs are unchanged. The first run
# downloads grpcio and friends (about a minute). Set PYTHON to choose the interpreter
# (default: python3, 3.9 or newer).
set -eu
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
OUT=proto_gen
step() { printf '==> %s\n' "$*"; }

# 1. The virtualenv.
if [ ! -x "$VENV/bin/python" ]; then
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "build.sh: $PYTHON not found. Install Python 3.9+ or set PYTHON=/path/to/python3." >&2
    exit 1
  fi
  step "creating $VENV ($("$PYTHON" --version 2>&1))"
  if ! "$PYTHON" -m venv "$VENV"; then
    echo "build.sh: '$PYTHON -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv" >&2
    rm -rf "$VENV"
    exit 1
  fi
fi

# 2. The requirements (reinstalled whenever requirements.txt changes).
stamp="$VENV/.requirements.txt.installed"
if [ -f "$stamp" ] && cmp -s requirements.txt "$stamp"; then
  step "requirements up to date"
else
  step "installing requirements.txt into $VENV (first time: about a minute)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -r requirements.txt
  cp requirements.txt "$stamp"
fi

# 3. The stubs (regenerated when a .proto or requirements.txt is newer than the last run).
generated="$OUT/.generated"
if [ -f "$generated" ] && [ -z "$(find protos requirements.txt -newer "$generated" | head -n 1)" ]; then
  step "stubs in $OUT/ up to date"
else
  step "generating stubs from protos/ into $OUT/"
  rm -rf "$OUT.tmp"
  mkdir -p "$OUT.tmp/plugin"
  # grpc_tools.protoc brings google/protobuf/empty.proto itself. The health stubs come from
  # grpcio-health-checking, so only the KV, controller and stdio protos are compiled.
  "$VENV/bin/python" -m grpc_tools.protoc -I protos \
    --python_out="$OUT.tmp" --grpc_python_out="$OUT.tmp" \
    kv.proto plugin/grpc_controller.proto plugin/grpc_stdio.proto
  # A regular package, so `from plugin import …` finds proto_gen/plugin/ and not plugin.py.
  : > "$OUT.tmp/plugin/__init__.py"
  rm -rf "$OUT"
  mv "$OUT.tmp" "$OUT"
  : > "$generated"
fi

step "ready: $VENV/bin/python plugin.py"
