import BenchResults
import Foundation
import Synchronization

/// The figure lines the running mode printed with `report`, for its section of the results file.
let reportedLines = Mutex<[String]>([])

/// Prints a line of figures and keeps it for the results file. Notes that are no figures (a
/// skip, a trace) are printed with `print` and kept out of it.
func report(_ line: String) {
  print(line)
  reportedLines.withLock { $0.append(line) }
}

/// The lines reported since the last call.
func takeReportedLines() -> [String] {
  reportedLines.withLock { lines in
    defer { lines = [] }
    return lines
  }
}

/// "2 cores (nproc), x86_64, CPU MODEL": `nproc`, `uname -m` and /proc/cpuinfo's model name.
func machineDescription() -> String {
  let cores = commandOutput("nproc") ?? "\(ProcessInfo.processInfo.activeProcessorCount)"
  let architecture = commandOutput("uname", "-m") ?? "unknown architecture"
  let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
  let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
    .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
  return "\(cores) cores (nproc), \(architecture), \(model ?? "CPU model unknown")"
}

/// What a command printed, its last newline dropped; nil when it could not run or failed.
func commandOutput(_ command: String, _ arguments: String...) -> String? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [command] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { return nil }
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// This run's command line, as run: the BENCH_* variables set, the arguments quoted for a shell,
/// and the build configuration.
func commandDescription() -> String {
  let environment = ProcessInfo.processInfo.environment
  let variables = ["BENCH_NODECODE", "BENCH_TRACE"].compactMap { name in environment[name].map { "\(name)=\($0)" } }
  let words = variables + ["plugin-dev-bench"] + CommandLine.arguments.dropFirst().map(shellQuoted)
  #if DEBUG
    let build = "debug build"
  #else
    let build = "release build"
  #endif
  return "`\(words.joined(separator: " "))` (\(build))"
}

func shellQuoted(_ word: String) -> String {
  let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,@%+")
  if !word.isEmpty && word.allSatisfy(plain.contains) { return word }
  return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Replaces the section of `section`'s mode in the results file (made if missing), keeping the
/// others; written to a temporary file renamed over it.
func writeResults(_ section: ResultsSection, to file: URL) throws {
  let existing = try? String(contentsOf: file, encoding: .utf8)
  let text = ResultsFile.merged(existing: existing, fresh: [section], order: Mode.allCases.map(\.rawValue))
  try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
  try Data(text.utf8).write(to: file, options: .atomic)
}
