#!/bin/sh
echo "1|1|unix|/tmp/a-very-long-directory-name-that-goes-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on/plugin.sock|grpc"
exec sleep 30
