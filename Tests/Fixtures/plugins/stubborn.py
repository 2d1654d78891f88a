# A working plugin that will not die politely: ignores SIGINT/SIGTERM, has no Controller
# (so Shutdown fails), and starts a grandchild process. Only SIGKILL to the group ends it.
import os, signal, subprocess, sys, time
from concurrent import futures
import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen(["sleep", "300"])
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
servicer = health.HealthServicer()
servicer.set("plugin", health_pb2.HealthCheckResponse.SERVING)
health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"1|1|tcp|127.0.0.1:{port}|grpc", flush=True)
print(f"grandchild pid {child.pid}", file=sys.stderr, flush=True)
while True:
    time.sleep(1)
