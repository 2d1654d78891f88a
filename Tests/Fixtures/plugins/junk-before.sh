#!/bin/sh
echo "starting up..."
echo "1|1|tcp|127.0.0.1:1234|grpc"
exec sleep 30
