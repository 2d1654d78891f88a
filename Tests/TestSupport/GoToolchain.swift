import Foundation
import PluginHost

/// Go and Debian's go-plugin sources, for building the Go template without a module proxy
/// (GOPATH mode, as `Templates/kv-go/README.md` describes). `.ci/run` installs them.
public enum GoToolchain {
  /// Where Debian's `golang-*-dev` packages put their sources.
  public static let debianGoPath = "/usr/share/gocode"

  /// `go` on PATH and Debian's go-plugin sources present.
  public static var isAvailable: Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let hasGo = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/go") }
    return hasGo
      && FileManager.default.fileExists(atPath: "\(debianGoPath)/src/github.com/hashicorp/go-plugin/server.go")
  }

  /// Tests that need Go run where it is installed, and always in CI (where missing Go is a failure).
  public static var shouldTest: Bool { isAvailable || ProcessInfo.processInfo.environment["CI"] != nil }

  /// What to install when Go is missing.
  public static let installHint =
    "apt-get install golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-goprotobuf-dev (.ci/run does)"

  /// The genuine go-plugin host (Tests/Fixtures/gohost), built once per test run; its path.
  public static func kvHost() async throws -> String {
    try await Builds.shared.path(of: "kvhost") { try await buildHost() }
  }

  /// The folder of a plugin made by `plugin-dev new kv kvgo --lang go` and built in GOPATH mode
  /// (once per test run); the executable is `kvgo` inside it.
  public static func goTemplatePlugin() async throws -> String {
    try await Builds.shared.path(of: "kvgo") { try await buildGoTemplate() }
  }

  /// Go programs built once per test run, by name.
  private actor Builds {
    static let shared = Builds()
    private var built: [String: Task<String, any Error>] = [:]

    func path(of name: String, build: @escaping @Sendable () async throws -> String) async throws -> String {
      if let task = built[name] { return try await task.value }
      let task = Task { try await build() }
      built[name] = task
      return try await task.value
    }
  }

  private static func buildGoTemplate() async throws -> String {
    let gopath = try Fixtures.temporaryDirectory("plugin-dev-go-template")
    let src = gopath.appendingPathComponent("src")
    try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
    let made = try await PluginDevCLI.run(["new", "kv", "kvgo", "--lang", "go", "--dir", src.path])
    guard made.status == .exited(0) else {
      throw BuildError(description: "plugin-dev new kv kvgo --lang go: \(made.transcript)")
    }
    let build = try await buildInGOPATH(gopath: gopath, name: "kvgo")
    guard build.status == .exited(0) else {
      throw BuildError(description: "go build kvgo: \(build.output.joined(separator: "\n"))")
    }
    return src.appendingPathComponent("kvgo").path
  }

  /// Why building a Go program failed.
  public struct BuildError: Error, CustomStringConvertible {
    /// The compiler's output.
    public var description: String
  }

  private static func buildHost() async throws -> String {
    let gopath = try Fixtures.temporaryDirectory("plugin-dev-gohost")
    let folder = gopath.appendingPathComponent("src/kvhost")
    let files = FileManager.default
    try files.createDirectory(at: folder.appendingPathComponent("proto"), withIntermediateDirectories: true)
    try files.copyItem(
      at: Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/gohost/main.go"),
      to: folder.appendingPathComponent("main.go"))
    // The KV client comes from the Go template's generated code (what a go-plugin host of examples/grpc uses).
    for name in ["kv.pb.go", "kv_grpc.pb.go"] {
      try files.copyItem(
        at: Fixtures.packageRoot.appendingPathComponent("Templates/kv-go/proto/\(name)"),
        to: folder.appendingPathComponent("proto/\(name)"))
    }
    let build = try await buildInGOPATH(gopath: gopath, name: "kvhost")
    guard build.status == .exited(0) else {
      throw BuildError(description: "go build kvhost: \(build.output.joined(separator: "\n"))")
    }
    return folder.appendingPathComponent("kvhost").path
  }

  /// Builds the Go package in `gopath/src/<name>` into `gopath/src/<name>/<name>` in GOPATH mode;
  /// returns the exit status and the compiler's output.
  public static func buildInGOPATH(gopath: URL, name: String) async throws -> (
    status: PluginProcess.ExitStatus?, output: [String]
  ) {
    let folder = gopath.appendingPathComponent("src/\(name)")
    let process = try await PluginProcess.start(
      .init(
        executable: "go", arguments: ["build", "-o", name, "."],
        environment: [
          "GO111MODULE": "off", "GOPATH": "\(gopath.path):\(debianGoPath)",
          "GOCACHE": gopath.appendingPathComponent(".cache").path, "GOFLAGS": "",
        ],
        workingDirectory: folder.path))
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: .seconds(300))
    await output.finished()
    if status == nil { await process.kill() }
    return (status, output.stdout + output.stderr)
  }
}
