# Prints its handshake with print() and no flush: block-buffered when stdout is a pipe.
import sys, time
print("1|1|tcp|127.0.0.1:1234|grpc")
print("listening", file=sys.stderr, flush=True)
time.sleep(30)
