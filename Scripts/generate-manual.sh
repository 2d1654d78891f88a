#!/usr/bin/env bash
# Regenerates docs/plugin-dev.1, the man page, from the commands' help (swift-argument-parser's
# generate-manual plugin; works offline, with the debug build). Read it with
# `man -l docs/plugin-dev.1`. Tests/PluginDevTests/ManualTests fails when a command or option
# is missing from it: run this script after changing a command.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package plugin generate-manual --configuration debug >/dev/null
cp .build/plugins/GenerateManual/outputs/plugin-dev/plugin-dev.1 docs/plugin-dev.1
echo "wrote docs/plugin-dev.1"
