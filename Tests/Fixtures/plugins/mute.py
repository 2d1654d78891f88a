# Prints a valid handshake, accepts connections and never sends a byte of HTTP/2 (no SETTINGS,
# no answers): a plugin stuck before its gRPC server starts. Ignores SIGINT and SIGTERM.
# With the argument `full-queue`, it never accepts either, and first fills its accept queue.
import signal
import socket
import sys
import time

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
full_queue = sys.argv[1:] == ["full-queue"]
listener.listen(0 if full_queue else 16)
port = listener.getsockname()[1]
held = []
if full_queue:
    # Fill the backlog with connections nobody accepts, so the next connect() blocks.
    for _ in range(8):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.setblocking(False)
        try:
            client.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(client)
sys.stdout.write("1|1|tcp|127.0.0.1:%d|grpc\n" % port)
sys.stdout.flush()
while True:
    if full_queue:
        time.sleep(1)
        continue
    connection, _ = listener.accept()
    held.append(connection)  # kept open, never written to
