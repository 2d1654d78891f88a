// kvhost: a genuine go-plugin host for the tests (go-plugin's examples/grpc host, trimmed).
//
// It starts the plugin given after the flags the way every go-plugin host does (plugin.NewClient),
// optionally with AutoMTLS, dispenses "kv_grpc", calls Put then Get, pings, and kills the plugin.
// Built in GOPATH mode against Debian's go-plugin 1.0.1 (see Tests/TestSupport/GoToolchain.swift),
// with the Go template's generated proto package copied to kvhost/proto.
//
//	kvhost [-automtls] [-key K] [-value V] [-bench N] [-pairs N] [-binary] [-loglevel L] [-start-timeout D] PLUGIN [ARGS...]
//	kvhost -reattach JSON [-key K] [-value V]
//
// With -reattach it starts nothing: it reattaches to a running plugin (ClientConfig.Reattach) from
// go-plugin's ReattachConfig as JSON ({"Protocol":"grpc","Pid":P,"Addr":{"Network":"unix","String":PATH}},
// what `plugin-dev run --serve` prints), makes its calls, and leaves the plugin running, as
// Terraform leaves a reattached provider.
//
// Prints "get K = V" and "ping ok" and exits 0, or prints "start: …" / "put: …" / … and exits 1.
// With -bench N it then times N Get calls one after another and prints
// "bench calls=N p50_us=… p99_us=… ready_us=…" (ready: from starting the plugin to the first
// call's answer), so the Go host itself measures a plugin (Benchmarks/, `plugin-dev-bench wrap`).
// With -pairs N it makes N Put+Get pairs of keys key-0…key-(N-1) with 100-byte values and prints
// "pairs N" (the traffic Benchmarks/Scripts/record-capture.sh records).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"kvhost/proto"
)

type kvPlugin struct{ plugin.Plugin }

func (kvPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return nil }

func (kvPlugin) GRPCClient(ctx context.Context, b *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return proto.NewKVClient(c), nil
}

func main() {
	autoMTLS := flag.Bool("automtls", false, "turn on AutoMTLS (PLUGIN_CLIENT_CERT)")
	key := flag.String("key", "greeting", "key to put and get")
	value := flag.String("value", "hello from a Go host", "value to put")
	bench := flag.Int("bench", 0, "time this many Get calls and print their p50 and p99")
	pairs := flag.Int("pairs", 0, "make this many Put+Get pairs of distinct keys")
	level := flag.String("loglevel", "debug", "the host logger's level: trace, debug, info (a host's usual default), warn, error")
	binary := flag.Bool("binary", false, "put the value followed by every byte 0x00-0xff, and check that get returns it unchanged")
	startTimeout := flag.Duration("start-timeout", 20*time.Second, "how long to wait for the handshake (ClientConfig.StartTimeout)")
	reattachJSON := flag.String("reattach", "", "reattach to this running plugin (go-plugin ReattachConfig as JSON) instead of starting one")
	flag.Parse()
	launched := time.Now()
	if flag.NArg() < 1 && *reattachJSON == "" {
		fmt.Println("usage: kvhost [-automtls] PLUGIN [ARGS...] | kvhost -reattach JSON")
		os.Exit(2)
	}
	config := &plugin.ClientConfig{
		HandshakeConfig:  plugin.HandshakeConfig{ProtocolVersion: 1, MagicCookieKey: "BASIC_PLUGIN", MagicCookieValue: "hello"},
		Plugins:          map[string]plugin.Plugin{"kv_grpc": kvPlugin{}},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         *autoMTLS,
		StartTimeout:     *startTimeout,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "host", Level: hclog.LevelFromString(*level), Output: os.Stderr}),
	}
	if *reattachJSON != "" {
		var given struct {
			Protocol string
			Pid      int
			Addr     struct{ Network, String string }
		}
		if err := json.Unmarshal([]byte(*reattachJSON), &given); err != nil {
			fmt.Printf("reattach: %v\n", err)
			os.Exit(2)
		}
		var addr net.Addr = &net.UnixAddr{Name: given.Addr.String, Net: "unix"}
		if given.Addr.Network == "tcp" {
			tcp, err := net.ResolveTCPAddr("tcp", given.Addr.String)
			if err != nil {
				fmt.Printf("reattach: %v\n", err)
				os.Exit(2)
			}
			addr = tcp
		}
		config.Reattach = &plugin.ReattachConfig{Protocol: plugin.Protocol(given.Protocol), Addr: addr, Pid: given.Pid}
	} else {
		config.Cmd = exec.Command(flag.Arg(0), flag.Args()[1:]...)
	}
	client := plugin.NewClient(config)
	// A reattached plugin is not the host's to stop (Terraform leaves an unmanaged provider running).
	kill := func() {
		if *reattachJSON == "" {
			client.Kill()
		}
	}
	defer kill()
	fail := func(stage string, err error) {
		fmt.Printf("%s: %v\n", stage, err)
		kill()
		os.Exit(1)
	}
	rpcClient, err := client.Client()
	if err != nil {
		fail("start", err)
	}
	raw, err := rpcClient.Dispense("kv_grpc")
	if err != nil {
		fail("dispense", err)
	}
	kv := raw.(proto.KVClient)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stored := []byte(*value)
	if *binary {
		for b := 0; b < 256; b++ {
			stored = append(stored, byte(b))
		}
	}
	if _, err := kv.Put(ctx, &proto.PutRequest{Key: *key, Value: stored}); err != nil {
		fail("put", err)
	}
	ready := time.Since(launched)
	got, err := kv.Get(ctx, &proto.GetRequest{Key: *key})
	if err != nil {
		fail("get", err)
	}
	if *binary {
		if !bytes.Equal(got.Value, stored) {
			at := 0
			for at < len(got.Value) && at < len(stored) && got.Value[at] == stored[at] {
				at++
			}
			fmt.Printf("get %s: %d bytes back for %d put, first difference at byte %d\n", *key, len(got.Value), len(stored), at)
			kill()
			os.Exit(1)
		}
		fmt.Printf("get %s = %d bytes, as put\n", *key, len(got.Value))
	} else {
		fmt.Printf("get %s = %s\n", *key, got.Value)
	}
	if err := rpcClient.Ping(); err != nil {
		fail("ping", err)
	}
	fmt.Println("ping ok")
	if *pairs > 0 {
		payload := make([]byte, 100)
		for i := range payload {
			payload[i] = 'a' + byte(i%26)
		}
		for i := 0; i < *pairs; i++ {
			name := fmt.Sprintf("key-%d", i)
			if _, err := kv.Put(context.Background(), &proto.PutRequest{Key: name, Value: payload}); err != nil {
				fail("pairs put", err)
			}
			if _, err := kv.Get(context.Background(), &proto.GetRequest{Key: name}); err != nil {
				fail("pairs get", err)
			}
		}
		fmt.Printf("pairs %d\n", *pairs)
	}
	if *bench > 0 {
		durations := make([]time.Duration, 0, *bench)
		for i := 0; i < *bench; i++ {
			start := time.Now()
			if _, err := kv.Get(context.Background(), &proto.GetRequest{Key: *key}); err != nil {
				fail("bench get", err)
			}
			durations = append(durations, time.Since(start))
		}
		sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
		at := func(p float64) int64 { return durations[int(p*float64(len(durations)-1))].Microseconds() }
		fmt.Printf("bench calls=%d p50_us=%d p99_us=%d ready_us=%d\n", *bench, at(0.50), at(0.99), ready.Microseconds())
	}
}
