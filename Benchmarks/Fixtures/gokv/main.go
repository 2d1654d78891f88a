// gokv: go-plugin's examples/grpc KV plugin (plain os.ReadFile / os.WriteFile of kv_<key>, no
// logging per call), the Go side of `plugin-dev-bench server` and `client`. KV_STORE=memory keeps
// the values in a map instead, so the transport alone is compared. KV_STORE_DIR is the folder.
package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"gokv/proto"
)

type store interface {
	Get(key string) ([]byte, error)
	Put(key string, value []byte) error
}

type fileStore struct{ dir string }

func (s fileStore) Get(key string) ([]byte, error) {
	return os.ReadFile(filepath.Join(s.dir, "kv_"+key))
}

func (s fileStore) Put(key string, value []byte) error {
	return os.WriteFile(filepath.Join(s.dir, "kv_"+key), value, 0o644)
}

type memoryStore struct {
	mu     sync.Mutex
	values map[string][]byte
}

func (s *memoryStore) Get(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	value, ok := s.values[key]
	if !ok {
		return nil, os.ErrNotExist
	}
	return value, nil
}

func (s *memoryStore) Put(key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[key] = value
	return nil
}

type server struct {
	proto.UnimplementedKVServer
	store store
}

func (k *server) Get(ctx context.Context, req *proto.GetRequest) (*proto.GetResponse, error) {
	value, err := k.store.Get(req.Key)
	if err != nil {
		return nil, status.Errorf(codes.NotFound, "%v", err)
	}
	return &proto.GetResponse{Value: value}, nil
}

func (k *server) Put(ctx context.Context, req *proto.PutRequest) (*proto.Empty, error) {
	if err := k.store.Put(req.Key, req.Value); err != nil {
		return nil, status.Errorf(codes.Internal, "%v", err)
	}
	return &proto.Empty{}, nil
}

type kvPlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (kvPlugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	var st store = fileStore{dir: os.Getenv("KV_STORE_DIR")}
	if os.Getenv("KV_STORE") == "memory" {
		st = &memoryStore{values: map[string][]byte{}}
	}
	proto.RegisterKVServer(s, &server{store: st})
	return nil
}

func (kvPlugin) GRPCClient(ctx context.Context, b *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return proto.NewKVClient(c), nil
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{ProtocolVersion: 1, MagicCookieKey: "BASIC_PLUGIN", MagicCookieValue: "hello"},
		Plugins:         plugin.PluginSet{"kv_grpc": kvPlugin{}},
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}
