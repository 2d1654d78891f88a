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

The go-plugin parts are the pieces of Examples/kv-python/goplugin.py (the module every Python
plugin of plugin-dev uses), put together here so that each can be left out or bent; the
generated stubs come from Examples/kv-python/proto_gen. Run with the test venv's Python.
"""

import base64
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
from datetime import datetime, timezone

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "..", "Examples", "kv-python"))

import goplugin  # noqa: E402  (puts Examples/kv-python/proto_gen on sys.path)
import grpc  # noqa: E402
from grpc_health.v1 import health_pb2  # noqa: E402

import kv_pb2  # noqa: E402
import kv_pb2_grpc  # noqa: E402

SUPPORTED_VERSIONS = (1,)
COOKIE_KEY, COOKIE_VALUE = "BASIC_PLUGIN", "hello"

log = goplugin.log
log.module = "fixture"


def _bad_log(message, **fields):
    """A log line hclog never writes: @level "warning" and a millisecond timestamp."""
    now = datetime.now(timezone.utc)
    entry = {"@level": "warning", "@message": message,
             "@timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000),
             "@module": "fixture"}
    entry.update(fields)
    sys.stderr.write(json.dumps(entry) + "\n")
    sys.stderr.flush()


def _version(version):
    if version == "negotiate":
        return goplugin.negotiate_protocol_version(SUPPORTED_VERSIONS)
    if version == "first-offered":  # whatever the host lists first, supported or not
        offered = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "").split(",")
        return int(offered[0]) if offered[0].isdigit() else 1
    return version


def _listen(server, port):
    ports = None  # PLUGIN_MIN_PORT..PLUGIN_MAX_PORT
    if port != "range":  # the 199 ports just above the range
        high = int(os.environ.get("PLUGIN_MAX_PORT") or 0)
        ports = range(high + 1, high + 200)
    try:
        return goplugin.listen_tcp(server, ports)
    except goplugin.InitError as err:
        log.error("plugin init error", error=str(err))
        sys.exit(1)


def _listen_tls(server):
    """Serves TLS in the port range with the certificate and key the test made (FIXTURE_TLS_CERT and
    FIXTURE_TLS_KEY, PEM files), asking for no client certificate, as PyPI's `tf` framework does.
    Returns the address and field 6 (the DER certificate in unpadded standard base64)."""
    with open(os.environ["FIXTURE_TLS_CERT"]) as f:
        cert_pem = f.read()
    with open(os.environ["FIXTURE_TLS_KEY"], "rb") as f:
        credentials = grpc.ssl_server_credentials([(f.read(), cert_pem.encode())])
    field = base64.b64encode(ssl.PEM_cert_to_DER_cert(cert_pem)).decode().rstrip("=")
    low, high = int(os.environ.get("PLUGIN_MIN_PORT") or 0), int(os.environ.get("PLUGIN_MAX_PORT") or 0)
    for port in range(low, high + 1):
        if not goplugin._port_is_free(port):
            continue
        try:  # a lost race for the port: 0 or RuntimeError, depending on the grpcio version
            if server.add_secure_port("127.0.0.1:%d" % port, credentials):
                return "127.0.0.1:%d" % port, field
        except RuntimeError:
            continue
    log.error("plugin init error", error="no free port for TLS")
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


def _add_hanging_reflection(server, stop):
    """grpc.reflection.v1 whose stream is accepted and never answered (until the plugin stops)."""
    def info(requests, context):
        stop.wait()
        return iter(())
    handler = grpc.method_handlers_generic_handler(
        "grpc.reflection.v1.ServerReflection", {"ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(info)})
    server.add_generic_rpc_handlers((handler,))


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, payload):
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _read_varint(data, position):
    """A base-128 varint at `position`: (value, the position after it)."""
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position


def _fields(data):
    """(number, payload) of the length-delimited fields of a message (enough for a reflection request)."""
    position, out = 0, []
    while position < len(data):
        key, position = _read_varint(data, position)
        if key & 7 != 2:
            return out
        length, position = _read_varint(data, position)
        out.append((key >> 3, data[position:position + length]))
        position += length
    return out


def _file(name, package, service=None, dependencies=(), message=None):
    """A FileDescriptorProto's bytes: a service with one method Echo(M) returns (M), its message M."""
    data = _field(1, name.encode()) + _field(2, package.encode())
    for dependency in dependencies:
        data += _field(3, dependency.encode())
    data += _field(4, message if message is not None else _field(1, b"M"))
    if service:
        method = _field(1, b"Echo") + _field(2, ("." + package + ".M").encode()) + _field(3, ("." + package + ".M").encode())
        data += _field(6, _field(1, service.encode()) + _field(2, method))
    return data


def _nested_message(levels):
    """A DescriptorProto named M holding nested types `levels` deep."""
    inner = _field(1, b"N")
    for _ in range(levels):
        inner = _field(1, b"N") + _field(3, inner)
    return _field(1, b"M") + _field(3, inner)


def _add_hostile_reflection(server, mode):
    """grpc.reflection.v1 that misbehaves (raw protobuf by hand, so any bytes can be sent):
    stall: 20 services, each answer 3 s late; garbage: a service whose descriptor is not protobuf,
    one whose types nest 1,000 levels and one that is fine; imports: a file importing 8,000 files
    that do not exist; big: a service whose descriptor is 8 MiB, and one that is fine."""
    import time
    services = {
        "stall": ["hostile.v1.Stall%d" % i for i in range(20)],
        "garbage": ["hostile.v1.Garbage", "hostile.v1.Deep", "hostile.v1.Fine"],
        "imports": ["hostile.v1.Imports"],
        "big": ["hostile.v1.Big", "hostile.v1.Fine"],
    }[mode]

    def answer(request):
        fields = dict(_fields(request))
        if 7 in fields:
            listing = b"".join(_field(1, _field(1, name.encode())) for name in services)
            return _field(6, listing)
        symbol = fields.get(4, b"").decode()
        if mode == "stall":
            time.sleep(3)
            name = symbol.rsplit(".", 1)[-1]
            return _field(4, _field(1, _file("stall/%s.proto" % name, "hostile.v1", service=name)))
        if mode == "garbage" and symbol == "hostile.v1.Garbage":
            return _field(4, _field(1, b"\xff\xff\xff\xff garbage"))
        if mode == "garbage" and symbol == "hostile.v1.Deep":
            return _field(4, _field(1, _file("deep.proto", "hostile.v1", service="Deep", message=_nested_message(1000))))
        if mode == "big" and symbol == "hostile.v1.Big":
            padding = _field(999, b"x" * (8 << 20))  # an unknown field of 8 MiB
            return _field(4, _field(1, _file("big.proto", "hostile.v1", service="Big") + padding))
        if mode in ("garbage", "big") and symbol == "hostile.v1.Fine":
            return _field(4, _field(1, _file("fine.proto", "hostile.v1", service="Fine")))
        if mode == "imports" and symbol:
            imports = ["missing/%d.proto" % i for i in range(8000)]
            return _field(4, _field(1, _file("imports.proto", "hostile.v1", service="Imports", dependencies=imports)))
        return _field(7, b"\x08\x05" + _field(2, b"not found"))  # ErrorResponse NOT_FOUND

    def info(requests, context):
        for request in requests:
            yield answer(request)

    handler = grpc.method_handlers_generic_handler(
        "grpc.reflection.v1.ServerReflection", {"ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(info)})
    server.add_generic_rpc_handlers((handler,))


def serve(check_cookie=True, version="negotiate", port="range", health_status="SERVING", controller=True,
          exit_on_shutdown=True, stdio=True, kv="ok", bad_log=False, long_line=False, child=False, junk=None,
          certificate=False, stray_stdout=False, tls_echo=False, hanging_reflection=False, tls_files=False,
          hostile_reflection=None):
    """Runs the plugin until Shutdown (or SIGTERM); each argument breaks one thing (see the module doc)."""
    if check_cookie:
        goplugin.check_magic_cookie(COOKIE_KEY, COOKIE_VALUE)
    stop = threading.Event()
    # SIGINT ignored like goplugin does, but with SIG_IGN, which check-leaves-child.py's child inherits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if child:
        subprocess.Popen(["sleep", "300"])

    server = goplugin.new_server("fixture")
    if health_status is not None:
        goplugin.add_health(server).set("plugin", getattr(health_pb2.HealthCheckResponse, health_status))
    if kv is not None:
        kv_pb2_grpc.add_KVServicer_to_server(_KV(corrupt=kv == "corrupt"), server)
    if controller:
        # Disobedient: Shutdown sets an event nobody waits for.
        goplugin.add_controller(server, stop if exit_on_shutdown else threading.Event())
    stdio_servicer = goplugin.add_stdio(server) if stdio else None
    if hanging_reflection:
        _add_hanging_reflection(server, stop)
    if hostile_reflection:
        _add_hostile_reflection(server, hostile_reflection)
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    server_cert = None
    if tls_files and client_cert:
        address, server_cert = _listen_tls(server)
    else:
        address = _listen(server, port)
    server.start()

    if bad_log == "number":  # @message a number: go-plugin's log_entry.go asserts a string, and panics
        sys.stderr.write(json.dumps({"@level": "info", "@message": 5, "@timestamp": "2026-05-21T18:15:01.627659Z"}) + "\n")
        sys.stderr.flush()
        log.debug("plugin address", network="tcp", address=address)
    elif bad_log:
        _bad_log("plugin address", network="tcp", address=address)
    else:
        log.debug("plugin address", network="tcp", address=address)
    if long_line:
        log.debug("dumping state", state="x" * (70 * 1024))
    line = "1|%d|tcp|%s|grpc" % (_version(version), address)  # never a field 7: fields are appended below
    if server_cert:
        line += "|" + server_cert
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
    if stdio_servicer is not None:
        stdio_servicer.close()
    server.stop(0.2).wait()
    log.debug("plugin exiting")
    # Python's own teardown (joining grpc's threads) can take over 2 s on a loaded machine, past a
    # host's grace after Shutdown; a go-plugin plugin exits at once here.
    sys.stderr.flush()
    os._exit(0)
