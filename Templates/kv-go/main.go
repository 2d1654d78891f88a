// {{name}}: a HashiCorp go-plugin KV plugin (the gRPC side of go-plugin's examples/grpc).
//
// plugin.Serve does everything a go-plugin host expects: it checks the magic cookie
// (printing go-plugin's "This binary is a plugin…" message and exiting 1 without it),
// negotiates the app protocol version from PLUGIN_PROTOCOL_VERSIONS, listens (a unix
// socket; TCP within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT on Windows), registers the health
// service ("plugin" = SERVING), plugin.GRPCController (Shutdown) and, since go-plugin
// v1.1.0, plugin.GRPCStdio, prints the handshake line on stdout and syncs it, and ignores
// SIGINT. All logging goes to stderr as hclog JSON lines.
//
// Environment of its own:
//
//	KV_STORE_DIR  folder for the kv_<key> files (default: the working directory)
package main

import (
	"context"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"{{name}}/proto"
)

// Handshake must be the host's: go-plugin's examples/grpc uses BASIC_PLUGIN=hello and version 1.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  {{protocolVersion}},
	MagicCookieKey:   "{{magicCookieKey}}",
	MagicCookieValue: "{{magicCookieValue}}",
}

// KVGRPCPlugin serves the KV store as the proto.KV gRPC service (a plugin.GRPCPlugin).
type KVGRPCPlugin struct {
	// net/rpc is not offered; hosts must allow gRPC (examples/grpc: KV_PROTO=grpc).
	plugin.NetRPCUnsupportedPlugin
	logger hclog.Logger
}

// GRPCServer registers proto.KV; go-plugin calls it after the cookie check, before the handshake.
func (p *KVGRPCPlugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	store, err := NewFileStore(os.Getenv("KV_STORE_DIR"))
	if err != nil {
		return err // go-plugin logs it ("protocol init") and prints no handshake
	}
	p.logger.Debug("serving KV", "store_dir", store.Dir)
	proto.RegisterKVServer(s, &kvServer{store: store, logger: p.logger})
	return nil
}

// GRPCClient is the host side (a Go host dispensing "kv_grpc" gets a proto.KVClient).
func (p *KVGRPCPlugin) GRPCClient(ctx context.Context, broker *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return proto.NewKVClient(c), nil
}

func main() {
	// hclog JSON on stderr: a go-plugin host parses these lines and re-logs them. The logger
	// keeps the real stderr even after plugin.Serve redirects os.Stderr into GRPCStdio.
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       "{{name}}",
		Level:      hclog.Debug,
		Output:     os.Stderr,
		JSONFormat: true,
	})
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins: plugin.PluginSet{
			"kv_grpc": &KVGRPCPlugin{logger: logger},
		},
		GRPCServer: plugin.DefaultGRPCServer,
		Logger:     logger,
	})
}
