"""goplugin: serve gRPC services to a HashiCorp go-plugin host, from Python (grpcio).

plugin.py holds the plugin (its services); this module does for it what go-plugin's
``plugin.Serve`` does for a Go plugin, so that a go-plugin host loads it like a Go plugin.
``serve()`` does, in order:

1. send ``print`` to stderr: stdout carries the handshake line and nothing else;
2. check the magic cookie (otherwise print go-plugin's message to stderr and exit 1);
3. negotiate the app protocol version from ``PLUGIN_PROTOCOL_VERSIONS`` (the highest both
   speak, else the plugin's lowest, which the host then refuses with a clear message);
4. listen on TCP ``127.0.0.1`` within ``PLUGIN_MIN_PORT``..``PLUGIN_MAX_PORT``, or on a Unix
   socket when ``KV_PLUGIN_NETWORK=unix`` (honouring ``PLUGIN_UNIX_SOCKET_DIR``/``_GROUP``);
5. serve the plugin's services next to ``grpc.health.v1.Health`` (``"plugin"`` = SERVING),
   ``plugin.GRPCController`` (``Shutdown``) and ``plugin.GRPCStdio`` on one gRPC server;
6. print the handshake line ``1|VERSION|tcp|127.0.0.1:PORT|grpc`` and flush it;
7. run until ``GRPCController/Shutdown`` or SIGTERM, then stop gracefully (exit status 0).
   SIGINT is ignored: the host owns the plugin's lifecycle.

Logs go to stderr as hclog JSON lines, which a Go host parses and re-logs: use ``log``
(``log.info("message", key=value)``). An exception raised in a service method is logged as
one ``error`` line with its traceback (field ``traceback``); the host still gets the gRPC
error ``UNKNOWN: Exception calling application: ...``, as grpcio sends it.

Not supported: AutoMTLS (``PLUGIN_CLIENT_CERT``; see ``serve``), the broker
(``plugin.GRPCBroker``; Go hosts ignore its ``UNIMPLEMENTED``) and broker multiplexing (the
handshake answers ``false`` when a host asks for it).

plugin-dev keeps this file identical in Examples/kv-python and in every Python plugin that
``plugin-dev new`` makes; edit plugin.py, not this file.
"""

import json
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import traceback
from concurrent import futures
from datetime import datetime, timezone

# The generated stubs (proto_gen/, next to this file) import each other as `kv_pb2`,
# `plugin.grpc_controller_pb2`, ..., so proto_gen/ must be on sys.path. It goes *first*: the
# plugin's own directory (which Python puts on sys.path) holds plugin.py, which would
# otherwise shadow the generated `plugin` package.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "proto_gen"))

try:
    import grpc
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc
    from plugin import grpc_controller_pb2, grpc_controller_pb2_grpc, grpc_stdio_pb2_grpc
except ImportError as _missing:
    # Plain text on stderr (nothing on stdout): a host shows it in its plugin log.
    if os.path.exists(os.path.join(_HERE, "build.sh")):
        _fix = "Run ./build.sh in %s first (it makes .venv and generates proto_gen/)" % _HERE
    else:
        _fix = "Install requirements.txt into %s/.venv first" % _HERE
    sys.stderr.write(
        "%s: cannot import %s (%s). %s, and start the plugin with .venv/bin/python plugin.py.\n"
        % (os.path.basename(_HERE), getattr(_missing, "name", None) or "a module", _missing, _fix))
    sys.stderr.flush()
    sys.exit(1)

# --------------------------------------------------------------------------------------
# Constants (reference: go-plugin protocol, sections 1, 2, 5 and 6)
# --------------------------------------------------------------------------------------

CORE_PROTOCOL_VERSION = 1
COOKIE_MISMATCH_MESSAGE = (
    "This binary is a plugin. These are not meant to be executed directly.\n"
    "Please execute the program that consumes these plugins, which will\n"
    "load any plugins automatically\n"
)
HEALTH_SERVICE_NAME = "plugin"  # go-plugin's GRPCServiceName, checked by Ping()
UNIX_SOCKET_NAME = "plugin.sock"

MAX_MESSAGE_BYTES = 2**31 - 1  # a Go host allows messages up to MaxInt32
GRACEFUL_STOP_SECONDS = 1.0  # a Go host SIGKILLs the plugin 2 s after Shutdown
WORKER_THREADS = 16
# Every open StreamStdio call holds a worker thread; capping them keeps threads free for
# the plugin's calls and, above all, for GRPCController/Shutdown. A host opens just one.
MAX_STDIO_STREAMS = 4
# A Go host reads stderr in lines of at most 64 KiB; a longer traceback is cut in the middle.
MAX_TRACEBACK_CHARS = 12000

# --------------------------------------------------------------------------------------
# Logging: hclog JSON lines on stderr
# --------------------------------------------------------------------------------------


class Logger:
    """Writes hclog-compatible JSON lines to stderr.

    A Go host parses each line: ``@level`` must be one of trace/debug/info/warn/error and
    ``@timestamp`` must have exactly six fractional digits, otherwise the host degrades
    the line to plain text. Extra fields are emitted as strings, numbers or booleans.
    ``module`` becomes ``@module`` (``serve`` sets it to the plugin's name).
    """

    def __init__(self, module, stream=None):
        self.module = module
        self._stream = stream
        self._lock = threading.Lock()

    @staticmethod
    def _timestamp():
        # e.g. 2026-05-21T18:15:01.627659Z (Go layout 2006-01-02T15:04:05.000000Z07:00)
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def log(self, level, message, **fields):
        entry = {
            "@level": level,
            "@message": message,
            "@timestamp": self._timestamp(),
            "@module": self.module,
        }
        for key, value in fields.items():
            if not isinstance(value, (str, int, float, bool)):
                value = str(value)
            entry[key] = value
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        stream = self._stream or sys.stderr
        with self._lock:
            try:
                stream.write(line)
                stream.flush()
            except (OSError, ValueError):
                pass  # stderr gone (host died): nothing useful left to do

    def trace(self, message, **fields):
        self.log("trace", message, **fields)

    def debug(self, message, **fields):
        self.log("debug", message, **fields)

    def info(self, message, **fields):
        self.log("info", message, **fields)

    def warn(self, message, **fields):
        self.log("warn", message, **fields)

    def error(self, message, **fields):
        self.log("error", message, **fields)


log = Logger("plugin")


class InitError(Exception):
    """A startup problem; ``serve`` logs it as "plugin init error" and returns 1."""


# --------------------------------------------------------------------------------------
# Handshake inputs: cookie, protocol version, listener
# --------------------------------------------------------------------------------------


def check_magic_cookie(key, value):
    """Exit 1 with go-plugin's exact message unless the host's cookie is present."""
    if os.environ.get(key) != value:
        sys.stderr.write(COOKIE_MISMATCH_MESSAGE)
        sys.stderr.flush()
        sys.exit(1)


_GO_ATOI = re.compile(r"[+-]?[0-9]+\Z")  # what Go's strconv.Atoi accepts (ASCII, no spaces)


def negotiate_protocol_version(supported):
    """Pick the app protocol version like go-plugin's server does.

    Parses the comma-separated ``PLUGIN_PROTOCOL_VERSIONS``; unparsable entries are
    reported on stderr and skipped. Returns the highest of ``supported`` that the host
    offered, else the lowest of ``supported`` (the host then reports the mismatch).
    """
    offered = []
    raw = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "")
    if raw:
        for entry in raw.split(","):
            if not _GO_ATOI.match(entry):
                # go-plugin writes this without a newline; we end the line so that the
                # following JSON log line stays parseable for the host.
                sys.stderr.write(
                    "server sent invalid plugin version %s\n"
                    % json.dumps(entry, ensure_ascii=False)
                )
                sys.stderr.flush()
                continue
            offered.append(int(entry))

    for version in sorted(supported, reverse=True):
        if version in offered:
            return version

    fallback = min(supported)
    log.warn(
        "host offered no supported protocol version, using the lowest supported one",
        offered=raw,
        supported=",".join(str(v) for v in supported),
        version=fallback,
    )
    return fallback


def _port_from_env(name):
    """Read PLUGIN_MIN_PORT/PLUGIN_MAX_PORT; unset or empty means 0 (as in Go)."""
    raw = os.environ.get(name, "")
    if raw == "":
        return 0
    if not _GO_ATOI.match(raw):
        raise InitError("couldn't get value from %s: invalid integer %s"
                        % (name, json.dumps(raw, ensure_ascii=False)))
    value = int(raw)
    if not 0 <= value <= 65535:
        raise InitError("couldn't get value from %s: port %d out of range 0-65535"
                        % (name, value))
    return value


def _port_is_free(port):
    """Check whether 127.0.0.1:port can be bound, without asking gRPC.

    gRPC prints a non-JSON error line to stderr for every failed bind, which would
    flood the host's log while scanning a busy port range.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # Like Go's net.Listen (and gRPC): ports with only TIME_WAIT connections are free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _add_port(server, address):
    """server.add_insecure_port, normalised: returns the port, or 0 on failure.

    Depending on the grpcio version a failed bind returns 0 or raises RuntimeError.
    """
    try:
        return server.add_insecure_port(address)
    except RuntimeError:
        return 0


def listen_tcp(server, ports=None):
    """Bind the first free port on 127.0.0.1; returns the handshake address ``127.0.0.1:PORT``.

    ``ports`` are tried in order; by default PLUGIN_MIN_PORT..PLUGIN_MAX_PORT (both unset:
    port 0, so the OS picks one).
    """
    if ports is None:
        min_port = _port_from_env("PLUGIN_MIN_PORT")
        max_port = _port_from_env("PLUGIN_MAX_PORT")
        if min_port > max_port:
            raise InitError("PLUGIN_MIN_PORT value of %d is greater than PLUGIN_MAX_PORT "
                            "value of %d" % (min_port, max_port))
        ports = range(min_port, max_port + 1)

    for port in ports:
        if port != 0 and not _port_is_free(port):
            continue
        bound = _add_port(server, "127.0.0.1:%d" % port)
        if bound:  # 0 = lost a race for this port; try the next one
            return "127.0.0.1:%d" % bound
    raise InitError("couldn't bind plugin TCP listener")


class UnixSocket:
    """Location and cleanup of the plugin's Unix socket."""

    def __init__(self):
        host_dir = os.environ.get("PLUGIN_UNIX_SOCKET_DIR", "")
        if host_dir:
            self.directory = os.path.abspath(host_dir)
            self.owns_directory = False  # the host created it and deletes it
        else:
            self.directory = tempfile.mkdtemp(prefix="plugin")  # mode 0700
            self.owns_directory = True
        self.path = os.path.join(self.directory, UNIX_SOCKET_NAME)

    def listen(self, server):
        """Bind the socket; returns the handshake address (the socket path)."""
        if not os.path.isdir(self.directory):
            raise InitError("PLUGIN_UNIX_SOCKET_DIR %s is not a directory" % self.directory)
        if os.path.lexists(self.path):
            raise InitError("couldn't bind plugin unix listener: %s already exists" % self.path)
        if len(os.fsencode(self.path)) > 107:
            raise InitError("couldn't bind plugin unix listener: socket path %s is too long"
                            % self.path)
        if not _add_port(server, "unix:" + self.path):
            raise InitError("couldn't bind plugin unix listener at %s" % self.path)
        os.chmod(self.path, 0o600)  # owner only, unless a group is configured below
        self._apply_group()
        return self.path

    def _apply_group(self):
        """Honour PLUGIN_UNIX_SOCKET_GROUP: give that group access, like go-plugin."""
        group = os.environ.get("PLUGIN_UNIX_SOCKET_GROUP", "")
        if not group:
            return
        try:
            if group.isdigit():
                gid = int(group)
            else:
                import grp  # Unix only, hence imported here

                gid = grp.getgrnam(group).gr_gid
            os.chown(self.path, -1, gid)
            os.chmod(self.path, 0o660)
            if self.owns_directory:
                os.chown(self.directory, -1, gid)
                os.chmod(self.directory, 0o770)
        except (KeyError, OSError) as err:
            raise InitError("failed to set group %s on unix socket: %s" % (group, err))

    def cleanup(self):
        """Remove the socket file, and the directory if this plugin created it."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError as err:
            log.warn("failed to remove unix socket", path=self.path, error=str(err))
        if self.owns_directory:
            try:
                os.rmdir(self.directory)
            except OSError as err:
                log.warn("failed to remove socket directory", path=self.directory,
                         error=str(err))


# --------------------------------------------------------------------------------------
# gRPC server: go-plugin's services, and handler exceptions as hclog lines
# --------------------------------------------------------------------------------------


class ControllerServicer(grpc_controller_pb2_grpc.GRPCControllerServicer):
    """plugin.GRPCController: Shutdown replies, then the main thread stops the server."""

    def __init__(self, shutdown_requested):
        self._shutdown_requested = shutdown_requested

    def Shutdown(self, request, context):
        log.info("shutdown requested")
        self._shutdown_requested.set()
        return grpc_controller_pb2.Empty()


class StdioServicer(grpc_stdio_pb2_grpc.GRPCStdioServicer):
    """plugin.GRPCStdio: an open stream that never sends anything.

    The host opens it once right after connecting. Each call occupies one worker thread
    until the host cancels it or the plugin shuts down (close() ends all open streams,
    so they never delay shutdown). At most MAX_STDIO_STREAMS may be open at once;
    further calls fail with RESOURCE_EXHAUSTED instead of starving the thread pool.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._open_streams = set()
        self._closed = False

    def StreamStdio(self, request, context):
        done = threading.Event()
        context.add_callback(done.set)  # runs when the RPC ends (e.g. host cancels)
        with self._lock:
            if self._closed:
                return
            too_many = len(self._open_streams) >= MAX_STDIO_STREAMS
            if not too_many:
                self._open_streams.add(done)
        if too_many:
            log.warn("refusing stdio stream: too many open", limit=MAX_STDIO_STREAMS)
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          "too many open stdio streams (limit %d)" % MAX_STDIO_STREAMS)
        log.trace("stdio stream opened")
        try:
            done.wait()
        finally:
            with self._lock:
                self._open_streams.discard(done)
        log.trace("stdio stream closed")
        return
        yield  # unreachable; makes this a generator, i.e. a (silent) response stream

    def close(self):
        with self._lock:
            self._closed = True
            for done in self._open_streams:
                done.set()


def _clip(text, limit):
    """`text`, cut in the middle if it is longer than `limit` characters."""
    if len(text) <= limit:
        return text
    head = limit // 4
    return "%s ... (%d characters left out) ... %s" % (
        text[:head], len(text) - limit, text[len(text) - (limit - head):])


class ErrorLoggingInterceptor(grpc.ServerInterceptor):
    """Logs an exception raised in a service method as one hclog ``error`` line.

    The line carries the method, the exception and its traceback (field ``traceback``:
    file, line and code of every frame). Without it the exception would be lost: grpcio
    logs it only to Python's ``logging``, where its NullHandler drops it. The caller gets
    the status grpcio sends (``UNKNOWN``, "Exception calling application: ..." or
    "Exception iterating responses: ..."). ``context.abort(...)`` is not an error and
    passes through untouched.
    """

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        if handler.unary_unary:
            wrap, behavior = grpc.unary_unary_rpc_method_handler, handler.unary_unary
        elif handler.unary_stream:
            wrap, behavior = grpc.unary_stream_rpc_method_handler, handler.unary_stream
        elif handler.stream_unary:
            wrap, behavior = grpc.stream_unary_rpc_method_handler, handler.stream_unary
        else:
            wrap, behavior = grpc.stream_stream_rpc_method_handler, handler.stream_stream
        streams_responses = handler.response_streaming

        def guarded(request, context):
            try:
                result = behavior(request, context)
            except Exception as err:
                _fail(method, context, err, "Exception calling application: {}")
            return _guard_iterator(method, context, result) if streams_responses else result

        return wrap(guarded, request_deserializer=handler.request_deserializer,
                    response_serializer=handler.response_serializer)


def _guard_iterator(method, context, responses):
    try:
        yield from responses
    except Exception as err:
        _fail(method, context, err, "Exception iterating responses: {}")


def _fail(method, context, err, details_format):
    """Log `err` as one hclog line, then end the call as grpcio would have; always raises."""
    code = getattr(context, "code", lambda: None)()
    if type(err) is Exception and not err.args and code is not None:
        raise err  # context.abort(): the handler chose its status; not an error
    if type(err) is grpc.RpcError:
        raise err  # grpcio's own "the call is over" signal (e.g. the client cancelled)
    try:
        details = details_format.format(err)
    except Exception:  # an exception whose str() fails
        details = "Calling application raised unprintable Exception!"
    frames = err.__traceback__
    if frames is not None and frames.tb_frame.f_code.co_filename == __file__:
        frames = frames.tb_next  # start at the service method, not at this module's wrapper
    lines = traceback.format_exception(type(err), err, frames)  # chained exceptions too
    text = "".join(_clip(line, 1000) for line in "".join(lines).splitlines(True))
    log.error(_clip(details, 1000), method=method,
              error=_clip("".join(traceback.format_exception_only(type(err), err)).strip(), 1000),
              traceback=_clip(text, MAX_TRACEBACK_CHARS))
    if code is None or code == grpc.StatusCode.OK:
        context.abort(grpc.StatusCode.UNKNOWN, details)
    current = context.details()  # keep a status the handler set before raising, as grpcio does
    context.abort(code, current.decode("utf-8", "replace") if current is not None else details)


def new_server(name="plugin"):
    """A gRPC server as a go-plugin host needs it (not yet bound or started)."""
    return grpc.server(
        futures.ThreadPoolExecutor(max_workers=WORKER_THREADS,
                                   thread_name_prefix="%s-grpc" % name),
        interceptors=[ErrorLoggingInterceptor()],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # grpcio enables SO_REUSEPORT by default, which would let two plugin
            # instances silently share one port of the host's range.
            ("grpc.so_reuseport", 0),
        ],
    )


def add_health(server):
    """grpc.health.v1.Health with "plugin" = SERVING; returns the servicer."""
    health_servicer = health.HealthServicer()
    health_servicer.set(HEALTH_SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    return health_servicer


def add_controller(server, shutdown_requested):
    """plugin.GRPCController: its Shutdown sets the event `shutdown_requested`."""
    grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(
        ControllerServicer(shutdown_requested), server)


def add_stdio(server):
    """plugin.GRPCStdio; returns the servicer (close() it when stopping)."""
    stdio_servicer = StdioServicer()
    grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(stdio_servicer, server)
    return stdio_servicer


# --------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------


def install_signal_handlers(stop):
    """Ignore SIGINT (the host owns our lifecycle); SIGTERM sets `stop`."""

    def on_interrupt(signum, frame):
        log.trace("plugin received interrupt signal, ignoring")

    def on_terminate(signum, frame):
        log.info("received SIGTERM, stopping")
        stop.set()

    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGTERM, on_terminate)


def handshake_line(version, network, address):
    """The single stdout line a go-plugin host reads (reference section 1.1)."""
    line = "%d|%d|%s|%s|grpc" % (CORE_PROTOCOL_VERSION, version, network, address)
    if os.environ.get("PLUGIN_MULTIPLEX_GRPC"):
        # The host asked for broker multiplexing (field 7). It is not implemented, so
        # say so explicitly: the host then reports a clear error instead of guessing.
        line += "||false"
    return line


def _quote(text, limit=64):
    """Quote `text` for a message, shortened so that a huge value does not flood the log."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return json.dumps(text, ensure_ascii=False)


def serve(add_services, cookie, versions, name, network_variable="KV_PLUGIN_NETWORK"):
    """Serve the plugin like go-plugin's plugin.Serve, then exit (status 0; 1 if it cannot start).

    ``add_services(server)`` registers the plugin's services on the grpc server; it may
    raise InitError. ``cookie`` is the host's (MagicCookieKey, MagicCookieValue),
    ``versions`` the app protocol versions the plugin speaks, ``name`` its ``@module`` in
    the logs. The environment variable ``network_variable`` chooses ``tcp`` (default) or
    ``unix``.
    """
    sys.exit(_serve(add_services, cookie, versions, name, network_variable))


def _serve(add_services, cookie, versions, name, network_variable):
    # Only the handshake line may go to stdout; stray print()s go to stderr instead.
    handshake_out = sys.stdout
    sys.stdout = sys.stderr
    log.module = name

    check_magic_cookie(*cookie)
    version = negotiate_protocol_version(versions)

    stop = threading.Event()  # set by GRPCController/Shutdown or SIGTERM
    install_signal_handlers(stop)

    if os.environ.get("PLUGIN_CLIENT_CERT"):
        # AutoMTLS would mean serving TLS that requires the host's client certificate,
        # which is always ECDSA P-521. grpcio (1.85) cannot verify it: its BoringSSL offers
        # no P-521 signatures, so the Go host sends no certificate and the handshake fails
        # (PEER_DID_NOT_RETURN_A_CERTIFICATE). TLS without client authentication would let
        # any local process call the plugin. So the plugin serves plaintext and says so.
        log.warn("PLUGIN_CLIENT_CERT is set but this plugin does not support AutoMTLS; "
                 "the host will not be able to connect")

    network = os.environ.get(network_variable, "") or "tcp"
    unix_socket = None
    try:
        if network not in ("tcp", "unix"):
            raise InitError("%s must be tcp or unix, got %s" % (network_variable, _quote(network)))
        server = new_server(name)
        add_services(server)
        health_servicer = add_health(server)
        add_controller(server, stop)
        stdio_servicer = add_stdio(server)
        if network == "unix":
            unix_socket = UnixSocket()
            address = unix_socket.listen(server)
        else:
            address = listen_tcp(server)
        server.start()
    except InitError as err:
        log.error("plugin init error", error=str(err))
        if unix_socket is not None:
            unix_socket.cleanup()
        return 1

    log.debug("plugin address", network=network, address=address, protocol_version=version)
    try:
        handshake_out.write(handshake_line(version, network, address) + "\n")
        handshake_out.flush()  # stdout is block-buffered when it is a pipe
    except OSError as err:
        log.error("failed to write the handshake line to stdout", error=str(err))
        stop.set()

    while not stop.wait(1.0):  # timeout keeps the main thread responsive to signals
        pass

    log.debug("stopping gRPC server")
    health_servicer.enter_graceful_shutdown()
    stdio_servicer.close()
    server.stop(GRACEFUL_STOP_SECONDS).wait()
    if unix_socket is not None:
        unix_socket.cleanup()
    log.debug("plugin exiting")
    return 0
