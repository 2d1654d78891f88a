import Foundation
import PluginHost
import TestSupport
import Testing

/// Breaking in a Python handler as README says: grpcio runs handlers on worker threads, so a
/// `breakpoint()` in the handler (not pdb's `b FILE:LINE`, which traces only the main thread)
/// stops the call; `run --attach` waits for it with no deadline and says how long it has waited.
@Suite("debugging a Python plugin", .timeLimit(.minutes(3)))
struct PythonDebuggingTests {
  @Test func aBreakpointInAHandlerHoldsTheCallUntilContinued() async throws {
    // The example plugin with breakpoint() as the first line of Get, its stdin a FIFO the test writes pdb commands to.
    let folder = try Fixtures.temporaryDirectory("plugin-dev-pdb")
    defer { try? FileManager.default.removeItem(at: folder) }
    let example = Fixtures.packageRoot.appendingPathComponent("Examples/kv-python")
    for name in ["plugin.py", "goplugin.py", "proto_gen"] {
      // goplugin.py is a link to the template's module: copy what it points at.
      let source = example.appendingPathComponent(name).resolvingSymlinksInPath()
      try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(name))
    }
    let plugin = folder.appendingPathComponent("plugin.py")
    let source = try String(contentsOf: plugin, encoding: .utf8)
    let handler = "    def Get(self, request, context):\n"
    try #require(source.contains(handler))
    try source.replacingOccurrences(of: handler, with: handler + "        breakpoint()\n")
      .write(to: plugin, atomically: true, encoding: .utf8)
    let fifo = folder.appendingPathComponent("pdb-commands").path
    try #require(mkfifo(fifo, 0o600) == 0)
    let store = try Fixtures.temporaryDirectory("plugin-dev-pdb-store")
    defer { try? FileManager.default.removeItem(at: store) }

    let process = try await PluginProcess.start(
      .init(
        executable: "/bin/sh", arguments: ["-c", "exec \"$0\" plugin.py <> \"$1\"", Fixtures.python, fifo],
        environment: [
          "BASIC_PLUGIN": "hello", "PLUGIN_PROTOCOL_VERSIONS": "1", "PLUGIN_MIN_PORT": "10000",
          "PLUGIN_MAX_PORT": "25000", "KV_STORE_DIR": store.path, "KV_PLUGIN_NETWORK": "tcp",
        ],
        removedEnvironment: ["PYTHONBREAKPOINT"], workingDirectory: folder.path))
    let output = OutputCollector(process: process)
    defer { Task { await process.kill() } }
    let line = try #require(await output.firstStdoutLine(timeout: .seconds(60)), "no handshake: \(output.stderr)")

    let run = try await PluginDevCLI.start([
      "run", "--attach", line, "--headless", "--json", "--no-frames", "--exec", "put a b", "--exec", "get a",
    ])
    let session = OutputCollector(process: run)
    // pdb stops in the handler's thread and prints where (on the plugin's stdout or stderr).
    try await waitUntil(60, "pdb stopping in Get") {
      (output.stdout + output.stderr).contains { $0.contains("plugin.py(") && $0.contains("Get()") }
    }
    // Held past the 15 s a call may take without --attach: no deadline, and headless says how long it waited.
    try await waitUntil(60, "a waiting line after 15 s") {
      session.stdout.contains { $0.contains(#""event":"waiting""#) && $0.contains(#""seconds":15"#) }
    }
    let commands = open(fifo, O_WRONLY)
    try #require(commands >= 0)
    _ = "c\n".withCString { write(commands, $0, 2) }
    close(commands)
    let status = await run.waitForExit(timeout: .seconds(60))
    await session.finished()
    let result = PluginDevCLI.Result(status: status, stdout: session.stdout, stderr: session.stderr)
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("call").last?["result"] as? String == "b", "\(result.transcript)")
    #expect(result.events("call").last?["code"] as? String == "ok", "\(result.transcript)")
  }
}
