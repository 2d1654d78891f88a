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
# The Python examples' gRPC stubs are generated, not committed (one source: Protos/).
for example in Examples/kv-python Examples/inventory-python; do
  PYTHON="$PWD/.venv/bin/python" "$example/gen_stubs.sh"
done
if ! .venv-tf/bin/python -c 'import tf' 2>/dev/null; then
  echo "== making .venv-tf for the Terraform provider fixture (Tests/Fixtures/terraform/requirements.txt)"
  python3 -m venv .venv-tf
  .venv-tf/bin/pip install --quiet --disable-pip-version-check -r Tests/Fixtures/terraform/requirements.txt
fi
echo "== swift build --build-tests (every import of a target of this package declared in Package.swift)"
# SwiftPM reports an undeclared import while planning and builds on regardless (swift-package-manager#7062),
# so its message is looked for here; the ArchitectureTests hold the direct dependencies too.
log=$(mktemp)
swift build --build-tests --explicit-target-dependency-import-check error 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q "imports another target" "$log"; then
  echo "== a target imports another one it does not declare in Package.swift (above)"
  rm -f "$log"
  exit 1
fi
rm -f "$log"
[ "$status" -eq 0 ] || exit "$status"
echo "== swift test --skip-build"
swift test --skip-build "$@"
