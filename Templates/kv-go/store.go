package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"{{name}}/proto"
)

// MaxKeyBytes is the longest key in bytes (file names are limited to 255 bytes, with the kv_ prefix).
const MaxKeyBytes = 200

// KeyProblem says why key cannot be stored, or returns "" when it can. A key becomes the file
// name kv_<key> in one folder, so nothing that could leave that folder is accepted.
func KeyProblem(key string) string {
	switch {
	case key == "":
		return "keys may not be empty"
	case key == "." || key == "..":
		return "keys may not be '.' or '..'"
	case strings.Contains(key, "/"):
		return "keys may not contain '/'"
	case strings.Contains(key, "\\"):
		return "keys may not contain '\\'"
	case strings.ContainsRune(key, 0):
		return "keys may not contain NUL"
	case !utf8.ValidString(key):
		return "keys must be valid UTF-8"
	case len(key) > MaxKeyBytes:
		return fmt.Sprintf("keys may be at most %d bytes (this one has %d)", MaxKeyBytes, len(key))
	}
	return ""
}

// FileStore keeps each value, byte for byte, in the file kv_<key> of one folder.
type FileStore struct {
	Dir string
}

// NewFileStore uses dir, or the working directory when dir is empty.
func NewFileStore(dir string) (*FileStore, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("cannot find the working directory: %w", err)
		}
		dir = wd
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil || !info.IsDir() {
		return nil, fmt.Errorf("KV_STORE_DIR %s is not a folder", abs)
	}
	return &FileStore{Dir: abs}, nil
}

func (s *FileStore) path(key string) string {
	return filepath.Join(s.Dir, "kv_"+key)
}

// Get returns the stored bytes; fs.ErrNotExist when there are none.
func (s *FileStore) Get(key string) ([]byte, error) {
	return os.ReadFile(s.path(key))
}

// Put stores value atomically: a temporary file in the same folder, renamed over the old one.
func (s *FileStore) Put(key string, value []byte) error {
	tmp, err := os.CreateTemp(s.Dir, ".tmp-kv-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(value); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path(key))
}

// kvServer is the proto.KV gRPC service over a FileStore.
type kvServer struct {
	proto.UnimplementedKVServer
	store  *FileStore
	logger hclog.Logger
}

func (k *kvServer) Get(ctx context.Context, req *proto.GetRequest) (*proto.GetResponse, error) {
	if problem := KeyProblem(req.Key); problem != "" {
		return nil, status.Errorf(codes.InvalidArgument, "invalid key %q: %s", req.Key, problem)
	}
	value, err := k.store.Get(req.Key)
	if errors.Is(err, fs.ErrNotExist) {
		k.logger.Debug("get", "key", req.Key, "found", false)
		return nil, status.Errorf(codes.NotFound, "no value for key '%s'", req.Key)
	}
	if err != nil {
		k.logger.Error("get failed", "key", req.Key, "error", err)
		return nil, status.Errorf(codes.Internal, "reading key '%s' failed: %v", req.Key, err)
	}
	k.logger.Debug("get", "key", req.Key, "size", len(value))
	return &proto.GetResponse{Value: value}, nil
}

func (k *kvServer) Put(ctx context.Context, req *proto.PutRequest) (*proto.Empty, error) {
	if problem := KeyProblem(req.Key); problem != "" {
		return nil, status.Errorf(codes.InvalidArgument, "invalid key %q: %s", req.Key, problem)
	}
	if err := k.store.Put(req.Key, req.Value); err != nil {
		k.logger.Error("put failed", "key", req.Key, "error", err)
		return nil, status.Errorf(codes.Internal, "writing key '%s' failed: %v", req.Key, err)
	}
	k.logger.Debug("put", "key", req.Key, "size", len(req.Value))
	return &proto.Empty{}, nil
}
