#!/bin/sh
echo "1|1|tcp|127.0.0.1:1|grpc"
exec sleep 30
