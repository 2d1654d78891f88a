#!/usr/bin/env bash
# Runs every test: builds the package and its tests once, then runs them.
# The Python example plugin needs a venv with grpcio; it is made here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PLUGIN_DEV_PYTHON:-}" ] && ! .venv/bin/python -c 'import grpc, grpc_health, grpc_reflection' 2>/dev/null; then
  echo "== making .venv for the Python plugins (Examples/kv-python/requirements.txt)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r Examples/kv-python/requirements.txt
fi
if ! .venv-tf/bin/python -c 'import tf' 2>/dev/null; then
  echo "== making .venv-tf for the Terraform provider fixture (Tests/Fixtures/terraform/requirements.txt)"
  python3 -m venv .venv-tf
  .venv-tf/bin/pip install --quiet --disable-pip-version-check -r Tests/Fixtures/terraform/requirements.txt
fi
echo "== swift build --build-tests"
swift build --build-tests
echo "== swift test --skip-build"
swift test --skip-build "$@"
