"""Shared code of the check-*.py fixture plugins.

serve() runs a complete go-plugin KV plugin in Python (grpcio) that does everything a
go-plugin host expects: it checks the magic cookie (BASIC_PLUGIN=hello), negotiates the app
version like go-plugin (highest common, else its lowest), listens on 127.0.0.1 inside
PLUGIN_MIN_PORT..PLUGIN_MAX_PORT, serves proto.KV (in memory), health ("plugin" SERVING),
plugin.GRPCController and plugin.GRPCStdio, logs valid hclog JSON to stderr, prints and
flushes its handshake, and exits promptly after Shutdown. Like go-plugin's own Python example it
ignores PLUGIN_CLIENT_CERT (AutoMTLS), so `tls.auto-mtls` warns. Each keyword argument of serve()
breaks one of those things, so each check-*.py file fails exactly one check of
`plugin-dev check`.

The generated stubs come from Examples/kv-python/proto_gen; run with the test venv's Python.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent import futures
from datetime import datetime, timezone

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "..", "Examples", "kv-python", "proto_gen"))

import grpc  # noqa: E402
from grpc_health.v1 import health, health_pb2, health_pb2_grpc  # noqa: E402

import kv_pb2  # noqa: E402
import kv_pb2_grpc  # noqa: E402
from plugin import grpc_controller_pb2, grpc_controller_pb2_grpc  # noqa: E402
from plugin import grpc_stdio_pb2_grpc  # noqa: E402

SUPPORTED_VERSIONS = (1,)
COOKIE_KEY, COOKIE_VALUE = "BASIC_PLUGIN", "hello"
COOKIE_MESSAGE = (
    "This binary is a plugin. These are not meant to be executed directly.\n"
    "Please execute the program that consumes these plugins, which will\n"
    "load any plugins automatically\n"
)


def log(level, message, bad=False, **fields):
    """One hclog JSON line on stderr; bad=True writes what hclog never would."""
    now = datetime.now(timezone.utc)
    if bad:
        entry = {"@level": "warning", "@message": message,
                 "@timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)}
    else:
        entry = {"@level": level, "@message": message, "@timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    entry["@module"] = "fixture"
    entry.update(fields)
    sys.stderr.write(json.dumps(entry) + "\n")
    sys.stderr.flush()


def _offered_versions():
    offered = []
    for entry in os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "").split(","):
        try:
            offered.append(int(entry))
        except ValueError:
            pass
    return offered


def _negotiate(version):
    offered = _offered_versions()
    if version == "first-offered":
        return offered[0] if offered else 1
    if isinstance(version, int):
        return version
    common = [v for v in SUPPORTED_VERSIONS if v in offered]
    return max(common) if common else min(SUPPORTED_VERSIONS)


def _free(port):
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _listen(server, port):
    low = int(os.environ.get("PLUGIN_MIN_PORT") or 0)
    high = int(os.environ.get("PLUGIN_MAX_PORT") or 0)
    candidates = range(low, high + 1) if port == "range" else range(high + 1, high + 200)
    for candidate in candidates:
        if candidate and not _free(candidate):
            continue
        try:
            bound = server.add_insecure_port("127.0.0.1:%d" % candidate)
        except RuntimeError:  # lost a race for the port (tests run side by side): try the next
            bound = 0
        if bound:
            return bound
    log("error", "plugin init error", error="couldn't bind plugin TCP listener")
    sys.exit(1)


class _KV(kv_pb2_grpc.KVServicer):
    def __init__(self, corrupt):
        self._values = {}
        self._corrupt = corrupt

    def Get(self, request, context):
        if request.key not in self._values:
            context.abort(grpc.StatusCode.NOT_FOUND, "no value for key '%s'" % request.key)
        return kv_pb2.GetResponse(value=self._values[request.key])

    def Put(self, request, context):
        value = request.value
        if self._corrupt:  # values treated as text: bytes that are not UTF-8 get replaced
            value = value.decode("utf-8", "replace").encode("utf-8")
        self._values[request.key] = value
        return kv_pb2.Empty()


class _Controller(grpc_controller_pb2_grpc.GRPCControllerServicer):
    def __init__(self, stop, obey):
        self._stop, self._obey = stop, obey

    def Shutdown(self, request, context):
        if self._obey:
            self._stop.set()
        else:
            log("info", "shutdown requested; carrying on regardless")
        return grpc_controller_pb2.Empty()


class _Stdio(grpc_stdio_pb2_grpc.GRPCStdioServicer):
    def __init__(self, stop):
        self._stop = stop

    def StreamStdio(self, request, context):
        while context.is_active() and not self._stop.wait(0.1):
            pass
        return
        yield  # a (silent) response stream


def serve(check_cookie=True, version="negotiate", port="range", health_status="SERVING", controller=True,
          exit_on_shutdown=True, stdio=True, kv="ok", bad_log=False, long_line=False, child=False, junk=None,
          certificate=False, stray_stdout=False, tls_echo=False):
    """Runs the plugin until Shutdown (or SIGTERM); each argument breaks one thing (see the module doc)."""
    if check_cookie and os.environ.get(COOKIE_KEY) != COOKIE_VALUE:
        sys.stderr.write(COOKIE_MESSAGE)
        sys.stderr.flush()
        sys.exit(1)
    stop = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the host owns the lifecycle, as in go-plugin
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if child:
        subprocess.Popen(["sleep", "300"])

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=[
        ("grpc.so_reuseport", 0),
        ("grpc.max_receive_message_length", 2**31 - 1),
        ("grpc.max_send_message_length", 2**31 - 1),
    ])
    if health_status is not None:
        servicer = health.HealthServicer()
        servicer.set("plugin", getattr(health_pb2.HealthCheckResponse, health_status))
        health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    if kv is not None:
        kv_pb2_grpc.add_KVServicer_to_server(_KV(corrupt=kv == "corrupt"), server)
    if controller:
        grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(_Controller(stop, exit_on_shutdown), server)
    if stdio:
        grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(_Stdio(stop), server)
    bound = _listen(server, port)
    server.start()

    log("debug", "plugin address", bad=bad_log, network="tcp", address="127.0.0.1:%d" % bound)
    if long_line:
        log("debug", "dumping state", state="x" * (70 * 1024))
    line = "1|%d|tcp|127.0.0.1:%d|grpc" % (_negotiate(version), bound)
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    if certificate and not client_cert:
        line += "|" + "MIIB" + "A" * 60  # a certificate nobody asked for (no PLUGIN_CLIENT_CERT)
    if tls_echo and client_cert:
        # Claims AutoMTLS with a real certificate (the host's own, echoed), but serves plaintext.
        body = "".join(l for l in client_cert.splitlines() if l and not l.startswith("-----"))
        line += "|" + body.rstrip("=")
    if junk:
        sys.stdout.write(junk + "\n")
    sys.stdout.write(line + "\n")
    if stray_stdout:
        sys.stdout.write("debug: connected to database\n")
    sys.stdout.flush()

    while not stop.wait(0.2):
        pass
    server.stop(0.2).wait()
    log("debug", "plugin exiting")
    sys.exit(0)
