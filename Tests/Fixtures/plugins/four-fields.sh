#!/bin/sh
echo "1|1|tcp|127.0.0.1:1234"
exec sleep 30
