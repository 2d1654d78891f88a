#!/bin/sh
echo "1|9|tcp|127.0.0.1:1234|grpc"
exec sleep 30
