# A working plugin that floods plugin-dev, to show its memory stays bounded:
#   stderr-before MIB  writes MIB MiB of 60 KiB stderr lines before its handshake
#   stderr-after MIB   writes MIB MiB of stderr lines after its handshake, as fast as it can
#   stdio-big          sends one 200 MiB plugin.GRPCStdio message to whoever opens the stream
import sys
import threading

import fixturelib
from plugin import grpc_stdio_pb2

mode = sys.argv[1]
mebibytes = int(sys.argv[2]) if len(sys.argv) > 2 else 0
line = ("x" * (60 * 1024 - 1)) + "\n"


def flood():
    for _ in range(mebibytes * 1024 * 1024 // len(line)):
        sys.stderr.write(line)
    sys.stderr.flush()


if mode == "stderr-before":
    flood()
elif mode == "stderr-after":
    threading.Timer(0.5, flood).start()
elif mode == "stdio-big":
    def stream_stdio(self, request, context):
        yield grpc_stdio_pb2.StdioData(channel=grpc_stdio_pb2.StdioData.STDOUT, data=b"y" * (200 << 20))
        while context.is_active():
            threading.Event().wait(0.1)

    fixturelib.goplugin.StdioServicer.StreamStdio = stream_stdio
fixturelib.serve()
