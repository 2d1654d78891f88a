# A working plugin (health only) that prints to stdout after its handshake and writes a
# stderr line longer than go-plugin's 64 KiB line buffer.
import sys, time
from concurrent import futures
import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
servicer = health.HealthServicer()
servicer.set("plugin", health_pb2.HealthCheckResponse.SERVING)
health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"1|1|tcp|127.0.0.1:{port}|grpc", flush=True)
print("debug: connected to database", flush=True)
sys.stderr.write("x" * (70 * 1024) + "\n")
sys.stderr.flush()
time.sleep(60)
