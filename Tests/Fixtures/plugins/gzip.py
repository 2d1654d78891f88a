# A correct KV plugin (fixturelib) whose gRPC server compresses with gzip (grpcio's
# compression=grpc.Compression.Gzip): its messages carry the compressed flag and the
# streams `grpc-encoding: gzip` whenever the client accepts gzip and it makes them smaller.
import grpc

_server = grpc.server


def _gzip_server(*args, **kwargs):
    kwargs.setdefault("compression", grpc.Compression.Gzip)
    return _server(*args, **kwargs)


grpc.server = _gzip_server

import fixturelib  # noqa: E402

fixturelib.serve()
