#!/bin/sh
if [ "$BASIC_PLUGIN" != "hello" ]; then
  printf 'This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will\nload any plugins automatically\n' >&2
  exit 1
fi
echo "1|1|tcp|127.0.0.1:1|grpc"
exec sleep 30
