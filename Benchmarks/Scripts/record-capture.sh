#!/usr/bin/env bash
# Records the capture `plugin-dev-bench capture` decodes (#14 item 3): the Python example
# (Examples/kv-python) under the genuine go-plugin host fixture (Tests/Fixtures/gohost, built in
# GOPATH mode against Debian's go-plugin 1.0.1), PAIRS Put+Get pairs over TCP on loopback,
# captured by tshark.
#
#   Benchmarks/Scripts/record-capture.sh OUT_DIR [PAIRS]     (PAIRS: 10000 by default)
#
# Writes OUT_DIR/capture.pcapng (tshark's capture), OUT_DIR/port (the plugin's TCP port) and
# OUT_DIR/follow-N.txt (each TCP connection's bytes as tshark reassembled them:
# `tshark -z follow,tcp,raw,N`). Needs tshark, go, Debian's go-plugin sources and the Python
# example's packages (.venv, as .ci/run makes it); capturing on lo needs root or CAP_NET_RAW.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: record-capture.sh OUT_DIR [PAIRS]}"
pairs="${2:-10000}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
tshark_pid=""
cleanup() {
  [ -n "$tshark_pid" ] && kill "$tshark_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python="$root/.venv/bin/python"
[ -x "$python" ] || python="python3"
"$python" -c 'import grpc, grpc_reflection' 2>/dev/null || {
  echo "record-capture: $python lacks grpcio/grpcio-reflection; run: python3 -m venv .venv && .venv/bin/pip install -r Examples/kv-python/requirements.txt" >&2
  exit 1
}

PYTHON="$python" "$root/Examples/kv-python/gen_stubs.sh"   # the example's stubs are generated, not committed

echo "== building the go-plugin host fixture (GOPATH mode)"
mkdir -p "$work/go/src/kvhost/proto"
cp "$root/Tests/Fixtures/gohost/main.go" "$work/go/src/kvhost/"
cp "$root"/Templates/kv-go/proto/kv*.go "$work/go/src/kvhost/proto/"
(cd "$work/go/src/kvhost" && GO111MODULE=off GOFLAGS= GOPATH="$work/go:/usr/share/gocode" go build -o "$work/kvhost" .)

# go-plugin hosts give plugins ports 10000..25000; the Python example listens inside them.
echo "== capturing on lo (tcp portrange 10000-25000)"
rm -f "$out/capture.pcapng" "$out"/follow-*.txt
tshark -i lo -B 64 -f "tcp portrange 10000-25000" -w "$out/capture.pcapng" -q 2>"$work/tshark.err" &
tshark_pid=$!
for _ in $(seq 100); do
  grep -q "Capturing on" "$work/tshark.err" 2>/dev/null && break
  sleep 0.1
done
grep -q "Capturing on" "$work/tshark.err" || { cat "$work/tshark.err" >&2; exit 1; }

echo "== $pairs Put+Get pairs: kvhost -pairs $pairs -> Examples/kv-python/plugin.py"
mkdir -p "$work/store"
(cd "$work" && KV_STORE_DIR="$work/store" "$work/kvhost" -pairs "$pairs" "$python" "$root/Examples/kv-python/plugin.py")
sleep 1
kill -INT "$tshark_pid"
wait "$tshark_pid" || true
tshark_pid=""

port="$(tshark -r "$out/capture.pcapng" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e tcp.dstport | head -1)"
echo "$port" >"$out/port"
# Only the host's connections to the plugin (other programs may use ports in the range too).
streams="$(tshark -r "$out/capture.pcapng" -Y "tcp.port==$port" -T fields -e tcp.stream | sort -un)"
for stream in $streams; do
  tshark -r "$out/capture.pcapng" -q -z "follow,tcp,raw,$stream" >"$out/follow-$stream.txt"
done
# tshark marks bytes it did not capture with "[N bytes missing in capture file]" (hex-encoded in
# raw mode); a decoder cannot follow HTTP/2 across such a gap.
if grep -l "206279746573206d697373696e6720696e20636170747572652066696c655d" "$out"/follow-*.txt >/dev/null; then
  echo "record-capture: the capture lost packets (the machine was busy?); record again" >&2
  exit 1
fi
echo "== wrote $out/capture.pcapng ($(stat -c %s "$out/capture.pcapng") bytes), plugin port $port, $(echo "$streams" | wc -w) TCP connection(s)"
echo "   decode it: cd Benchmarks && PLUGIN_DEV_BENCHMARKS=1 swift run -c release plugin-dev-bench capture --capture-dir $out"
