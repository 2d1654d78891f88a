#!/usr/bin/env python3
"""{{name}}: a go-plugin KV plugin in Python (grpcio), for go-plugin's examples/grpc host.

This file is the plugin: the store and the proto.KV service. goplugin.py, next to it, does the
go-plugin part (cookie, versions, listener, health, controller, stdio, hclog logs, handshake).
Values are stored in files kv_<key> in KV_STORE_DIR (default: the working directory);
KV_PLUGIN_NETWORK=unix serves on a unix socket instead of TCP. The plugin serves gRPC server
reflection (grpcio-reflection), so tools such as plugin-dev, grpcurl or Evans learn proto.KV by
asking it.
"""

import json
import os

import goplugin  # first: it puts the generated stubs (proto_gen/) on sys.path
import grpc
import kv_pb2
import kv_pb2_grpc
from goplugin import log
from grpc_reflection.v1alpha import reflection

MAGIC_COOKIE_KEY = "{{magicCookieKey}}"  # the host's HandshakeConfig
MAGIC_COOKIE_VALUE = "{{magicCookieValue}}"
SUPPORTED_APP_VERSIONS = ({{protocolVersion}},)  # app protocol versions this plugin implements
LOG_MODULE = "{{name}}"
MAX_KEY_BYTES = 200


class FileStore:
    """Stores each value, byte for byte, in the file kv_<key> of one directory."""

    def __init__(self, directory):
        if not os.path.isdir(directory):
            raise goplugin.InitError("KV_STORE_DIR %s is not a directory" % directory)
        self.directory = directory

    def get(self, key):
        """The stored bytes, or None if there is no value for `key`."""
        try:
            with open(os.path.join(self.directory, "kv_" + key), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def put(self, key, value):
        """Store `value` atomically: write a new temporary file, then rename it over the old one."""
        temp = os.path.join(self.directory, ".tmp-kv-" + os.urandom(8).hex())
        try:
            with open(temp, "xb") as f:  # "x": a new file, never a link planted there
                f.write(value)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, os.path.join(self.directory, "kv_" + key))
        finally:
            if os.path.lexists(temp):  # something failed before the rename
                os.unlink(temp)


class KVServicer(kv_pb2_grpc.KVServicer):
    """proto.KV: Get and Put on a FileStore.

    An exception (say, an OSError of the store) reaches the host as UNKNOWN, and goplugin
    logs it with its traceback.
    """

    def __init__(self, store):
        self.store = store

    def Get(self, request, context):
        check_key(request.key, context)
        value = self.store.get(request.key)
        log.debug("get", key=request.key, found=value is not None)
        if value is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "no value for key '%s'" % request.key)
        return kv_pb2.GetResponse(value=value)

    def Put(self, request, context):
        check_key(request.key, context)
        self.store.put(request.key, request.value)
        log.debug("put", key=request.key, size=len(request.value))
        return kv_pb2.Empty()


def check_key(key, context):
    """Refuses (INVALID_ARGUMENT) a key whose file kv_<key> would be outside the store."""
    if key in ("", ".", "..") or "/" in key or "\\" in key or "\x00" in key:
        problem = "keys may not be empty, '.' or '..', nor contain '/', '\\' or NUL"
    elif len(key.encode("utf-8")) > MAX_KEY_BYTES:
        problem = "keys may be at most %d bytes in UTF-8" % MAX_KEY_BYTES
    else:
        return
    shown = json.dumps(key if len(key) <= 64 else key[:64] + "...", ensure_ascii=False)
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "invalid key %s: %s" % (shown, problem))


def add_services(server):
    store = FileStore(os.path.abspath(os.environ.get("KV_STORE_DIR") or os.getcwd()))
    kv_pb2_grpc.add_KVServicer_to_server(KVServicer(store), server)
    service = kv_pb2.DESCRIPTOR.services_by_name["KV"].full_name
    reflection.enable_server_reflection([service, reflection.SERVICE_NAME], server)


if __name__ == "__main__":
    goplugin.serve(add_services, cookie=(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                   versions=SUPPORTED_APP_VERSIONS, name=LOG_MODULE)
