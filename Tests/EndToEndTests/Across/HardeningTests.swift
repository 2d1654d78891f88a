import Foundation
import PluginHost
import PluginProtocol
import PluginSchemas
import PluginSession
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue #26 ("Hardening, round 2"): each test reproduces one attack with the real binary, real
/// fixture plugins and real files, and holds the promise docs/security.md lists.
@Suite("hardening, round 2 (#26)", .timeLimit(.minutes(5)))
struct HardeningTests {
  /// A folder others may enter (files in it are then only as private as their own mode).
  static func openFolder() throws -> URL {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-hardening")
    #expect(chmod(folder.path, 0o755) == 0)
    return folder
  }

  /// Runs `executable ARGUMENTS` as user nobody; whether it succeeded, and what it printed.
  static func asNobody(_ executable: String, _ arguments: [String]) async throws -> (ok: Bool, stdout: [String]) {
    let process = try await PluginProcess.start(
      .init(
        executable: "setpriv", arguments: ["--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments))
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: .seconds(30))
    await output.finished()
    return (status == .exited(0), output.stdout)
  }

  static func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  // MARK: 1, 2: output files

  /// The three writers as command lines writing to `path`.
  static func writers(_ path: String) -> [(String, [String])] {
    let kv = Fixtures.executable("kv-swift")
    return [
      ("run --export", ["run", "--headless", "--export", path, "--exec", "put k s3cr3t-token", "--", kv]),
      ("run --pcap", ["run", "--headless", "--pcap", path, "--exec", "put k s3cr3t-token", "--", kv]),
      ("wrap --log", ["wrap", "--log", path, "--", kv]),
    ]
  }

  /// A link planted at the output path is refused (its target is not overwritten); a file user
  /// nobody made, mode 0666, is refused (nobody would read the captured traffic from it).
  @Test(.enabled(if: getuid() == 0, "needs root to act as user nobody"))
  func outputFilesRefusePlantedLinksAndOtherUsersFiles() async throws {
    let folder = try Self.openFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let victim = folder.appendingPathComponent("victim").path
    try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
    let link = folder.appendingPathComponent("x.link").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
    for (name, arguments) in Self.writers(link) {
      let result = try await PluginDevCLI.run(arguments, environment: ["KV_PLUGIN_NETWORK": "unix"])
      #expect(result.status != .exited(0), "\(name): \(result.transcript)")
      #expect(
        result.stderr.joined().contains("refused to write \(link): it is a symbolic link"),
        "\(name): \(result.transcript)")
      #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n", "\(name) wrote through the link")
    }
    // A shared folder like /tmp (sticky, everyone may create files), where nobody plants the file.
    #expect(chmod(folder.path, 0o1777) == 0)
    let planted = folder.appendingPathComponent("x.out").path
    let made = try await Self.asNobody("/bin/sh", ["-c", "umask 0; : > \"$0\"", planted])
    #expect(made.ok)
    #expect(try Self.mode(planted) == 0o666)
    for (name, arguments) in Self.writers(planted) {
      let result = try await PluginDevCLI.run(arguments, environment: ["KV_PLUGIN_NETWORK": "unix"])
      #expect(result.status != .exited(0), "\(name): \(result.transcript)")
      #expect(result.stderr.joined().contains("the file belongs to nobody"), "\(name): \(result.transcript)")
      let read = try await Self.asNobody("/bin/cat", [planted])
      #expect(read.ok && read.stdout.isEmpty, "\(name): user nobody read \(read.stdout)")
    }
  }

  /// A capture and a log are made 0600: user nobody cannot read the traffic (`s3cr3t-token`) back.
  @Test(.enabled(if: getuid() == 0, "needs root to act as user nobody"))
  func capturesAndLogsAreReadableByTheirOwnerOnly() async throws {
    let folder = try Self.openFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let capture = folder.appendingPathComponent("x.pcapng").path
    let log = folder.appendingPathComponent("x.jsonl").path
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--pcap", capture, "--export", log, "--exec", "put k s3cr3t-token", "--",
        Fixtures.executable("kv-swift"),
      ], environment: ["KV_PLUGIN_NETWORK": "unix"])
    #expect(result.status == .exited(0), "\(result.transcript)")
    for path in [capture, log] {
      #expect(try Self.mode(path) == 0o600, "\(path)")
      let read = try await Self.asNobody("/bin/cat", [path])
      #expect(!read.ok, "user nobody read \(path)")
      #expect(!read.stdout.joined().contains("s3cr3t-token"))
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: log)).count > 0)
  }

  // MARK: 3: view

  /// A log line of 80 MiB (view used to search it from its start at every chunk: 32 MiB took
  /// 68 s, 128 MiB never ended) is skipped with its number, and the events after it are shown.
  @Test func viewSkipsAHugeLineAndReadsOn() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-view")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("long.jsonl").path
    let recorder = try SessionRecorder(
      path: path, header: RecordingHeader(writer: "run", pid: 0, command: ["./kv"], autoMTLS: false))
    recorder.record(.notice("before"))
    recorder.close()
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    let chunk = Data(repeating: 0x61, count: 1 << 20)
    for _ in 0..<80 { try handle.write(contentsOf: chunk) }
    try handle.write(
      contentsOf: Data("\n{\"event\":\"notice\",\"text\":\"after\",\"time\":\"2026-12-01T00:00:00Z\"}\n".utf8))
    try handle.close()
    let view = try await PluginDevCLI.run(["view", "--headless", "--no-follow", path], timeout: .seconds(240))
    #expect(view.status == .exited(0), "\(view.transcript.prefix(2000))")
    #expect(view.stdout.contains("note      before"))
    #expect(view.stdout.contains { $0.contains(":3: line 3 too long (over 64 MiB), skipped") }, "\(view.stdout)")
    #expect(view.stdout.contains("note      after"), "\(view.stdout)")
  }

  /// What is not a regular file is refused at once (a link to /dev/zero never ended, a FIFO with no
  /// writer blocked); `-` reads a log from standard input.
  @Test func viewRefusesWhatIsNotARegularFileAndReadsStandardInput() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-view")
    defer { try? FileManager.default.removeItem(at: folder) }
    let zero = folder.appendingPathComponent("zero.jsonl").path
    try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
    let fifo = folder.appendingPathComponent("fifo.jsonl").path
    #expect(mkfifo(fifo, 0o600) == 0)
    for (path, kind) in [(zero, "a character device"), (fifo, "a FIFO")] {
      let view = try await PluginDevCLI.run(["view", "--headless", path], timeout: .seconds(60))
      #expect(view.status == .exited(1), "\(view.transcript)")
      #expect(view.stderr.joined().contains("\(path): not a regular file (\(kind))"), "\(view.transcript)")
    }
    let log = folder.appendingPathComponent("ok.jsonl").path
    let recorder = try SessionRecorder(
      path: log, header: RecordingHeader(writer: "run", pid: 1, command: ["./kv"], autoMTLS: false))
    recorder.record(.notice("from stdin"))
    recorder.close()
    let piped = try await PluginProcess.start(
      .init(
        executable: "/bin/sh",
        arguments: ["-c", "exec \"$0\" view --headless - < \"$1\"", PluginDevCLI.executable, log]))
    let output = OutputCollector(process: piped)
    let status = await piped.waitForExit(timeout: .seconds(60))
    await output.finished()
    #expect(status == .exited(0), "\(output.stderr)")
    #expect(output.stdout.contains("note      from stdin"), "\(output.stdout)")
  }

  // MARK: 4: protoc

  /// `--proto` naming a FIFO is refused before protoc starts.
  @Test func protoThatIsAFIFOIsRefused() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-protoc")
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("x.proto").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let run = try await PluginDevCLI.run(
      ["run", "--headless", "--proto", fifo, "--", Fixtures.executable("kv-swift")], timeout: .seconds(60))
    #expect(run.status == .exited(64), "\(run.transcript)")
    #expect(run.stderr.joined().contains("\(fifo) is a FIFO, not a regular file"), "\(run.transcript)")
  }

  /// A .proto importing a FIFO hangs protoc: SIGTERM ends plugin-dev (it used to be ignored), the
  /// Watchdog ends protoc with it (it used to keep spinning with PPID 1), and nothing is left in
  /// the temp folder (protoc's folder stayed).
  @Test func aHangingProtocStopsWithPluginDev() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-protoc")
    let tmp = try Fixtures.temporaryDirectory("plugin-dev-protoc-tmp")
    defer {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: tmp)
    }
    #expect(mkfifo(folder.appendingPathComponent("hang.proto").path, 0o600) == 0)
    let main = folder.appendingPathComponent("main.proto").path
    try "syntax = \"proto3\";\nimport \"hang.proto\";\n".write(toFile: main, atomically: false, encoding: .utf8)
    let process = try await PluginDevCLI.start(
      ["run", "--headless", "--proto", main, "--", Fixtures.executable("kv-swift")], environment: ["TMPDIR": tmp.path])
    let output = OutputCollector(process: process)
    // Wait for protoc to be running (a child of plugin-dev) and blocked opening the FIFO (the
    // kernel's wait for a writer): by then plugin-dev has long since listed it with the Watchdog (a
    // SIGTERM in the milliseconds between the spawn and that listing would leave protoc running).
    let pid = try await waitFor(60, "protoc blocked on the FIFO\n\(output.stderr.joined(separator: "\n"))") {
      () -> Int32? in
      guard let protoc = Self.descendants(of: process.pid).first(where: { Self.commandName($0) == "protoc" }) else {
        return nil
      }
      let waiting = (try? String(contentsOfFile: "/proc/\(protoc)/wchan", encoding: .utf8)) ?? ""
      return waiting.hasPrefix("wait_for_partner") || waiting.contains("fifo") ? protoc : nil
    }
    kill(process.pid, SIGTERM)
    let status = await process.waitForExit(timeout: .seconds(30))
    await output.finished()
    #expect(status == .signaled(SIGTERM), "\(output.stderr.joined(separator: "\n"))")
    let gone = (try? await waitUntil(60, "protoc gone") { !PluginDevCLI.isAlive(pid) }) != nil
    #expect(gone, "protoc (pid \(pid)) outlived plugin-dev")
    #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty, "protoc's folder was left")
  }

  /// The pids of every descendant of `pid`, from /proc.
  static func descendants(of pid: Int32) -> [Int32] {
    var children: [Int32: [Int32]] = [:]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
      guard let child = Int32(entry),
        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
      if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(child) }
    }
    var found: [Int32] = []
    var queue = [pid]
    while let next = queue.popLast() {
      for child in children[next] ?? [] {
        found.append(child)
        queue.append(child)
      }
    }
    return found
  }

  static func commandName(_ pid: Int32) -> String? {
    (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  // MARK: 6: reflection

  /// Starts `reflection-hostile.py MODE` and fetches its reflection with small limits.
  static func fetchHostile(_ mode: String, limits: ReflectionClient.Limits) async throws -> ReflectionClient.Outcome {
    let plugin = try await RunningPlugin.start(
      PluginProcess.Launch(
        executable: Fixtures.python, arguments: [PluginDevCLI.fixture("reflection-hostile.py"), mode]))
    let connection = try plugin.connect()
    // The connection is up before reflection is timed (a loaded machine is slow to make it).
    _ = try await connection.health.check(timeout: .seconds(60))
    var limits = limits
    limits.requestTimeout = .seconds(30)
    let outcome = await ReflectionClient.fetch(connection.client, limits: limits)
    await connection.close()
    await plugin.kill()
    return outcome
  }

  /// 20 services that each answer 3 s late (60 s in all): the fetch stops at its overall deadline
  /// and says so (it used to take the 60 s).
  @Test func reflectionStopsAtItsOverallDeadline() async throws {
    var limits = ReflectionClient.Limits()
    limits.overall = .seconds(20)
    let outcome = try await Self.fetchHostile("stall", limits: limits)
    guard case .loaded(_, _, let services, _, let notes) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(services.count == 20)
    #expect(notes.contains { $0.contains("reflection stopped at its overall deadline (20.0 seconds)") }, "\(notes)")
  }

  /// A file importing 8,000 missing files: the requests are capped, with a note.
  @Test func reflectionCapsItsRequests() async throws {
    var limits = ReflectionClient.Limits()
    limits.requests = 50
    let outcome = try await Self.fetchHostile("imports", limits: limits)
    guard case .loaded(_, _, _, let unresolved, let notes) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(notes.contains { $0.hasPrefix("reflection stopped after 50 requests: imports not asked for") }, "\(notes)")
    #expect(unresolved.count == 49, "\(unresolved.count)")
  }

  /// A descriptor past the byte cap is not read (a 200 MB one used 1.17 GB), with a note; the
  /// sound service is kept.
  @Test func reflectionCapsTheBytesItTakes() async throws {
    var limits = ReflectionClient.Limits()
    limits.bytes = 1 << 20
    let outcome = try await Self.fetchHostile("big", limits: limits)
    guard case .loaded(let registry, _, _, _, let notes) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(registry.services["hostile.v1.Fine"] != nil)
    #expect(registry.services["hostile.v1.Big"] == nil)
    #expect(
      notes.contains { $0.hasPrefix("no descriptor for service hostile.v1.Big: a reply of") && $0.contains("1 MiB") },
      "\(notes)")
  }

  /// Garbage descriptor bytes and types nested 1,000 levels are dropped with a note each; the
  /// sound service is kept. `services` in a run shows the notes.
  @Test func reflectionNotesEveryDroppedDescriptor() async throws {
    let outcome = try await Self.fetchHostile("garbage", limits: ReflectionClient.Limits())
    guard case .loaded(let registry, _, _, _, let notes) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(registry.services["hostile.v1.Fine"] != nil)
    #expect(
      notes.contains { $0.contains("for service hostile.v1.Garbage was dropped: not a FileDescriptorProto") },
      "\(notes)")
    #expect(
      notes.contains { $0.contains("for service hostile.v1.Deep was dropped: its types are nested deeper") }, "\(notes)"
    )
    #expect(notes.contains { $0.contains("service hostile.v1.Garbage is listed, but no descriptor") }, "\(notes)")
  }

  // MARK: 8: build steps of other users' folders, protos outside the folder

  /// A plugin folder owned by user nobody: its build step is printed, not run, unless --build.
  @Test(.enabled(if: getuid() == 0, "needs root to give a folder to user nobody"))
  func anotherUsersBuildStepRunsOnlyWithBuild() async throws {
    let folder = try Self.openFolder()
    let marker = try Fixtures.temporaryDirectory("plugin-dev-marker").appendingPathComponent("built").path
    defer {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(atPath: (marker as NSString).deletingLastPathComponent)
    }
    let manifest = """
      {"build": "touch \(marker)", "command": ["\(Fixtures.executable("kv-swift"))"]}
      """
    try manifest.write(to: folder.appendingPathComponent("plugin.json"), atomically: false, encoding: .utf8)
    #expect(chown(folder.path, 65534, 65534) == 0)
    #expect(chown(folder.appendingPathComponent("plugin.json").path, 65534, 65534) == 0)
    let skipped = try await PluginDevCLI.run(["run", "--headless", "--exec", "get a", folder.path])
    #expect(
      skipped.stderr.joined().contains("did not run the build step `touch \(marker)`"), "\(skipped.transcript)")
    #expect(skipped.stderr.joined().contains("belongs to nobody (uid 65534)"), "\(skipped.transcript)")
    #expect(!FileManager.default.fileExists(atPath: marker), "the build step ran")
    let built = try await PluginDevCLI.run(["run", "--headless", "--build", "--exec", "get a", folder.path])
    #expect(built.stdout.contains("build     touch \(marker)"), "\(built.transcript)")
    #expect(FileManager.default.fileExists(atPath: marker), "\(built.transcript)")
  }

  /// plugin.json `"protos": ["../../etc/passwd"]` is refused, naming the entry (protoc's error
  /// used to show only `passwd:1:1`).
  @Test func manifestProtosOutsideTheFolderAreRefused() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-protos")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plugin = folder.appendingPathComponent("plugin")
    try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
    let manifest = """
      {"command": ["\(Fixtures.executable("kv-swift"))"], "protos": ["../../../../../../etc/passwd"]}
      """
    try manifest.write(to: plugin.appendingPathComponent("plugin.json"), atomically: false, encoding: .utf8)
    let run = try await PluginDevCLI.run(["run", "--headless", plugin.path])
    #expect(run.status == .exited(64), "\(run.transcript)")
    #expect(
      run.stderr.joined().contains("\"protos\" entry \"../../../../../../etc/passwd\" leads outside the plugin folder"),
      "\(run.transcript)")
    #expect(!run.stderr.joined().contains("passwd:1:1"))
  }
}
