#!/bin/sh
echo "Error: config file /etc/kv/config.hcl not found" >&2
exit 3
