#!/bin/sh
echo "working hard, printing nothing on stdout" >&2
exec sleep 30
