#!/usr/bin/env python3
"""{{name}}: a HashiCorp go-plugin KV plugin written in Python (grpcio).

It serves go-plugin's ``examples/grpc`` KV service (``proto.KV``) and behaves like a Go
plugin built with ``plugin.Serve`` as far as a host can tell:

1. check the magic cookie ``{{magicCookieKey}}={{magicCookieValue}}`` (otherwise print go-plugin's message and
   exit 1);
2. negotiate the app protocol version from ``PLUGIN_PROTOCOL_VERSIONS``;
3. listen on TCP ``127.0.0.1`` within ``PLUGIN_MIN_PORT``..``PLUGIN_MAX_PORT`` (or on a Unix
   socket when ``KV_PLUGIN_NETWORK=unix``);
4. serve ``proto.KV``, ``grpc.health.v1.Health`` (``"plugin"`` = SERVING),
   ``plugin.GRPCController`` and ``plugin.GRPCStdio`` on one gRPC server;
5. print the handshake line ``1|1|tcp|127.0.0.1:PORT|grpc`` to stdout and flush it;
6. run until ``GRPCController/Shutdown`` or SIGTERM, then stop gracefully and exit 0.
   SIGINT is ignored: the host owns the plugin's lifecycle.

All logging goes to stderr as hclog JSON lines, which a Go host parses and re-logs.
stdout carries the handshake line and nothing else (``print`` is redirected to stderr).

Environment:
    {{magicCookieKey}}              magic cookie, must be ``{{magicCookieValue}}``
    PLUGIN_PROTOCOL_VERSIONS  app protocol versions offered by the host, e.g. ``1``
    PLUGIN_MIN_PORT/MAX_PORT  TCP port range (both unset: the OS picks a port)
    KV_PLUGIN_NETWORK         ``tcp`` (default) or ``unix``
    PLUGIN_UNIX_SOCKET_DIR    directory for the Unix socket (default: a private temp dir)
    PLUGIN_UNIX_SOCKET_GROUP  group (name or gid) that gets access to the Unix socket
    KV_STORE_DIR              where values are stored (default: the working directory)
"""

import json
import os
import re
import signal
import socket
import sys
import tempfile
import threading
from concurrent import futures
from datetime import datetime, timezone

# The stubs are generated from protos/ into proto_gen/ by build.sh. They import each other
# as `kv_pb2`, `plugin.grpc_controller_pb2`, ..., so proto_gen/ must be on sys.path. It goes
# *first*: this script's own directory (which Python puts on sys.path) contains plugin.py,
# which would otherwise shadow the generated `plugin` package.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "proto_gen"))

try:
    import grpc  # noqa: E402
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc  # noqa: E402

    import kv_pb2  # noqa: E402
    import kv_pb2_grpc  # noqa: E402
    from plugin import grpc_controller_pb2, grpc_controller_pb2_grpc  # noqa: E402
    from plugin import grpc_stdio_pb2_grpc  # noqa: E402
except ImportError as _missing:
    # Plain text on stderr (nothing on stdout): a host shows it in its plugin log.
    sys.stderr.write(
        "{{name}}: cannot import %s (%s). Run ./build.sh in %s first (it makes .venv and "
        "generates proto_gen/), and start the plugin with .venv/bin/python plugin.py.\n"
        % (getattr(_missing, "name", None) or "a module", _missing, _HERE)
    )
    sys.exit(1)

# --------------------------------------------------------------------------------------
# Constants (reference: go-plugin protocol, sections 1, 2 and 11.1)
# --------------------------------------------------------------------------------------

CORE_PROTOCOL_VERSION = 1
SUPPORTED_APP_VERSIONS = ({{protocolVersion}},)  # app protocol versions this plugin implements

MAGIC_COOKIE_KEY = "{{magicCookieKey}}"
MAGIC_COOKIE_VALUE = "{{magicCookieValue}}"
COOKIE_MISMATCH_MESSAGE = (
    "This binary is a plugin. These are not meant to be executed directly.\n"
    "Please execute the program that consumes these plugins, which will\n"
    "load any plugins automatically\n"
)

HEALTH_SERVICE_NAME = "plugin"  # go-plugin's GRPCServiceName, checked by Ping()
LOG_MODULE = "{{name}}"
UNIX_SOCKET_NAME = "plugin.sock"

MAX_MESSAGE_BYTES = 2**31 - 1  # a Go host allows messages up to MaxInt32
GRACEFUL_STOP_SECONDS = 1.0  # a Go host SIGKILLs us 2 s after Shutdown
WORKER_THREADS = 16
# Every open StreamStdio call holds a worker thread; capping them keeps threads free for
# KV calls and, above all, for GRPCController/Shutdown. A host opens just one.
MAX_STDIO_STREAMS = 4

MAX_KEY_BYTES = 200
KEY_FILE_PREFIX = "kv_"
TEMP_FILE_PREFIX = ".tmp-kv-"  # never starts with KEY_FILE_PREFIX

# --------------------------------------------------------------------------------------
# Logging: hclog JSON lines on stderr
# --------------------------------------------------------------------------------------


class HclogLogger:
    """Writes hclog-compatible JSON lines to stderr.

    A Go host parses each line: ``@level`` must be one of trace/debug/info/warn/error and
    ``@timestamp`` must have exactly six fractional digits, otherwise the host degrades
    the line to plain text. Extra fields are emitted as strings, numbers or booleans.
    """

    def __init__(self, module, stream):
        self._module = module
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
            "@module": self._module,
        }
        for key, value in fields.items():
            if not isinstance(value, (str, int, float, bool)):
                value = str(value)
            entry[key] = value
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
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


log = HclogLogger(LOG_MODULE, sys.stderr)


class InitError(Exception):
    """A startup problem; logged as "plugin init error" and the plugin exits 1."""


# --------------------------------------------------------------------------------------
# Handshake inputs: cookie, protocol version, listener
# --------------------------------------------------------------------------------------


def check_magic_cookie():
    """Exit 1 with go-plugin's exact message unless the host's cookie is present."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(COOKIE_MISMATCH_MESSAGE)
        sys.stderr.flush()
        sys.exit(1)


_GO_ATOI = re.compile(r"[+-]?[0-9]+\Z")  # what Go's strconv.Atoi accepts (ASCII, no spaces)


def negotiate_protocol_version():
    """Pick the app protocol version like go-plugin's server does.

    Parses the comma-separated ``PLUGIN_PROTOCOL_VERSIONS``; unparsable entries are
    reported on stderr and skipped. Returns the highest supported version the host
    offered, else the lowest supported version (the host then reports the mismatch).
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

    for version in sorted(SUPPORTED_APP_VERSIONS, reverse=True):
        if version in offered:
            return version

    fallback = min(SUPPORTED_APP_VERSIONS)
    log.warn(
        "host offered no supported protocol version, using the lowest supported one",
        offered=raw,
        supported=",".join(str(v) for v in SUPPORTED_APP_VERSIONS),
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


def listen_tcp(server):
    """Bind the first free port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT on 127.0.0.1.

    Returns the handshake address ``127.0.0.1:PORT``.
    """
    min_port = _port_from_env("PLUGIN_MIN_PORT")
    max_port = _port_from_env("PLUGIN_MAX_PORT")
    if min_port > max_port:
        raise InitError("PLUGIN_MIN_PORT value of %d is greater than PLUGIN_MAX_PORT value of %d"
                        % (min_port, max_port))

    for port in range(min_port, max_port + 1):
        if port != 0 and not _port_is_free(port):
            continue
        bound = _add_port(server, "127.0.0.1:%d" % port)
        if bound:  # 0 = lost a race for this port; try the next one
            return "127.0.0.1:%d" % bound
    raise InitError("couldn't bind plugin TCP listener")


class UnixSocket:
    """Location and cleanup of the Unix socket used when KV_PLUGIN_NETWORK=unix."""

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
# Key/value storage
# --------------------------------------------------------------------------------------


def _quote(text, limit=64):
    """Quote a key for messages, shortened so huge keys do not flood logs/errors."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return json.dumps(text, ensure_ascii=False)


def key_problem(key):
    """Return why `key` is not acceptable, or None if it is fine.

    Keys become file names ``kv_<key>`` in the storage directory, so anything that could
    escape that directory or is not a valid file name component is refused.
    """
    if key == "":
        return "keys may not be empty"
    if "\x00" in key:
        return "keys may not contain NUL bytes"
    if "/" in key:
        return "keys may not contain '/'"
    if "\\" in key:
        return "keys may not contain '\\'"
    if key in (".", ".."):
        return "keys may not be '.' or '..'"
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        return "keys may be at most %d bytes in UTF-8, this one has %d" % (MAX_KEY_BYTES, size)
    return None


class FileStore:
    """Stores each value, byte for byte, in the file ``kv_<key>`` of one directory."""

    def __init__(self, directory):
        self.directory = directory
        umask = os.umask(0)
        os.umask(umask)
        self._file_mode = 0o666 & ~umask  # like a plain open(..., "wb") would create

    def _path(self, key):
        return os.path.join(self.directory, KEY_FILE_PREFIX + key)

    def get(self, key):
        """Return the stored bytes, or None if there is no value for `key`."""
        try:
            with open(self._path(key), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def put(self, key, value):
        """Store `value` atomically: write a temp file, then rename it over the old one."""
        fd, tmp_path = tempfile.mkstemp(prefix=TEMP_FILE_PREFIX, dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(value)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp_path, self._file_mode)
            os.replace(tmp_path, self._path(key))
        except BaseException:
            try:
                os.unlink(tmp_path)
            except OSError:
                pass
            raise


def storage_dir_from_env():
    """KV_STORE_DIR if set, else the working directory at startup (absolute)."""
    directory = os.path.abspath(os.environ.get("KV_STORE_DIR") or os.getcwd())
    if not os.path.isdir(directory):
        raise InitError("KV_STORE_DIR %s is not a directory" % directory)
    return directory


# --------------------------------------------------------------------------------------
# gRPC services
# --------------------------------------------------------------------------------------


class KVServicer(kv_pb2_grpc.KVServicer):
    """proto.KV: Get/Put backed by a FileStore."""

    def __init__(self, store):
        self._store = store

    def _check_key(self, key, context):
        problem = key_problem(key)
        if problem:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "invalid key %s: %s" % (_quote(key), problem))

    def Get(self, request, context):
        self._check_key(request.key, context)
        try:
            value = self._store.get(request.key)
        except OSError as err:
            log.error("get failed", key=request.key, error=str(err))
            context.abort(grpc.StatusCode.INTERNAL,
                          "reading key '%s' failed: %s" % (request.key, err.strerror or err))
        if value is None:
            log.debug("get", key=request.key, found=False)
            context.abort(grpc.StatusCode.NOT_FOUND, "no value for key '%s'" % request.key)
        log.debug("get", key=request.key, size=len(value))
        return kv_pb2.GetResponse(value=value)

    def Put(self, request, context):
        self._check_key(request.key, context)
        try:
            self._store.put(request.key, request.value)
        except OSError as err:
            log.error("put failed", key=request.key, error=str(err))
            context.abort(grpc.StatusCode.INTERNAL,
                          "writing key '%s' failed: %s" % (request.key, err.strerror or err))
        log.debug("put", key=request.key, size=len(request.value))
        return kv_pb2.Empty()


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


def build_server(store, shutdown_requested):
    """Create the gRPC server with all services registered (not yet bound or started)."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=WORKER_THREADS,
                                   thread_name_prefix="kv-grpc"),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # grpcio enables SO_REUSEPORT by default, which would let two plugin
            # instances silently share one port of the host's range.
            ("grpc.so_reuseport", 0),
        ],
    )

    health_servicer = health.HealthServicer()
    health_servicer.set(HEALTH_SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
    stdio_servicer = StdioServicer()

    kv_pb2_grpc.add_KVServicer_to_server(KVServicer(store), server)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(
        ControllerServicer(shutdown_requested), server)
    grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(stdio_servicer, server)
    return server, health_servicer, stdio_servicer


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def install_signal_handlers(stop):
    """Ignore SIGINT (the host owns our lifecycle); SIGTERM stops the plugin."""

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


def main():
    # Only the handshake line may go to stdout; stray print()s go to stderr instead.
    handshake_out = sys.stdout
    sys.stdout = sys.stderr

    check_magic_cookie()
    version = negotiate_protocol_version()

    stop = threading.Event()  # set by GRPCController/Shutdown or SIGTERM
    install_signal_handlers(stop)

    if os.environ.get("PLUGIN_CLIENT_CERT"):
        log.warn("PLUGIN_CLIENT_CERT is set but this plugin does not support AutoMTLS; "
                 "the host will not be able to connect")

    network = os.environ.get("KV_PLUGIN_NETWORK", "") or "tcp"
    unix_socket = None
    try:
        if network not in ("tcp", "unix"):
            raise InitError("KV_PLUGIN_NETWORK must be tcp or unix, got %s" % _quote(network))
        store = FileStore(storage_dir_from_env())
        server, health_servicer, stdio_servicer = build_server(store, stop)
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

    log.debug("plugin address", network=network, address=address,
              protocol_version=version, store_dir=store.directory)
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


if __name__ == "__main__":
    sys.exit(main())
