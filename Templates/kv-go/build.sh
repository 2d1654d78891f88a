#!/bin/sh
# Builds {{name}}; `plugin-dev run` runs this before every start (the "build" of plugin.json).
#
# With Go modules first: `go mod tidy` while go.sum is missing, then `go build`. That needs the
# Go module proxy (or a module cache holding go-plugin and grpc). Where it fails and Debian's Go
# packages are installed (golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev
# golang-goprotobuf-dev, in /usr/share/gocode), it builds in GOPATH mode against them instead:
# a copy of the sources in .gopath/src/{{name}}, the binary here. Once that fallback was taken,
# later builds go straight to it (remove .gopath to try modules again).
set -eu
cd "$(dirname "$0")"
DEBIAN_GO=/usr/share/gocode

gopath_build() {
  rm -rf ".gopath/src/{{name}}"
  mkdir -p ".gopath/src/{{name}}"
  cp -R ./*.go proto ".gopath/src/{{name}}/"
  (cd ".gopath/src/{{name}}" && GO111MODULE=off GOPATH="$PWD/../..:$DEBIAN_GO" GOFLAGS= \
    go build -o "../../../{{name}}" .)
  echo "==> built {{name}} in GOPATH mode against $DEBIAN_GO (remove .gopath to try Go modules again)"
}

if [ -d .gopath ] && [ ! -f go.sum ]; then
  gopath_build
  exit 0
fi
if { [ -f go.sum ] || { echo '==> go mod tidy (first build: downloads go-plugin and grpc)' && go mod tidy; }; } \
  && echo '==> go build' && go build -o "{{name}}" .; then
  exit 0
fi
if [ ! -d "$DEBIAN_GO/src/github.com/hashicorp/go-plugin" ]; then
  echo "build.sh: the Go modules build failed (above): it needs the Go module proxy, or a module cache" \
    "with go-plugin and grpc. Without them, Debian's packages work too: apt-get install golang-go" \
    "golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-goprotobuf-dev" >&2
  exit 1
fi
echo "==> the Go modules build failed (above); building in GOPATH mode against Debian's Go packages instead"
gopath_build
