import Foundation
import SwiftProtobuf
import TestSupport

@testable import WireTap

/// The decoder's reference cases: `Tests/Fixtures/protos/features.proto` compiled by the real
/// protoc, and for each case the bytes Python protobuf serialized and its
/// `json_format.MessageToDict` (`make_cases.py`).
struct ProtocCases: Sendable {
  struct Case: Sendable {
    var name: String
    var type: String
    var bytes: [UInt8]
    /// MessageToDict's output as JSON text; nil when Python has no JSON form (an unknown Any).
    var pythonJSON: String?
  }

  var registry: DescriptorRegistry
  var cases: [String: Case]

  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let protos = packageRoot.appendingPathComponent("Tests/Fixtures/protos")

  /// Loads once for all tests, on a thread of its own (protoc and Python run meanwhile).
  private actor Cache {
    var task: Task<Result<ProtocCases, LoadError>, Never>?

    func value() async -> Result<ProtocCases, LoadError> {
      if let task { return await task.value }
      let task = Task {
        await onOwnThread { Result { try ProtocCases.load() }.mapError { LoadError("\($0)") } }
      }
      self.task = task
      return await task.value
    }
  }

  private static let cache = Cache()

  struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  static func python() -> String {
    if let explicit = ProcessInfo.processInfo.environment["PLUGIN_DEV_PYTHON"], !explicit.isEmpty { return explicit }
    return packageRoot.appendingPathComponent(".venv/bin/python").path
  }

  /// Runs `arguments` (the first found on PATH when not absolute), returning stdout; throws with stderr on failure.
  static func run(_ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw LoadError(
        "\(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): "
          + String(decoding: errors, as: UTF8.self)
          + " (protoc: apt-get install protobuf-compiler; Python: the .venv of Scripts/test.sh)")
    }
    return output
  }

  static func load() throws -> ProtocCases {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("protoc-cases-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let set = directory.appendingPathComponent("features.pb").path
    _ = try run([
      "protoc", "-I", protos.path, "--include_imports", "--descriptor_set_out=\(set)",
      protos.appendingPathComponent("features.proto").path,
    ])
    let descriptorSet = try Google_Protobuf_FileDescriptorSet(
      serializedBytes: try Data(contentsOf: URL(fileURLWithPath: set)))
    let lines = try run([python(), protos.appendingPathComponent("make_cases.py").path, set])
    var cases: [String: Case] = [:]
    for line in String(decoding: lines, as: UTF8.self).split(separator: "\n") {
      guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let name = object["case"] as? String, let type = object["type"] as? String, let hex = object["hex"] as? String
      else { throw LoadError("bad case line: \(line)") }
      var bytes: [UInt8] = []
      var index = hex.startIndex
      while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
      }
      let dict = try object["dict"].map {
        String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self)
      }
      cases[name] = Case(name: name, type: type, bytes: bytes, pythonJSON: dict)
    }
    return ProtocCases(registry: DescriptorRegistry(descriptorSet, source: .protoset(set)), cases: cases)
  }

  static func get() async throws -> ProtocCases { try await cache.value().get() }

  /// JSON values equal after normalising: objects by key (order ignored), numbers as doubles
  /// (relative 1e-6: Python writes float fields at float precision, Swift its shortest form).
  static func equivalent(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.object(let l), .object(let r)):
      let right = Dictionary(r, uniquingKeysWith: { $1 })
      return l.count == r.count && l.allSatisfy { key, value in right[key].map { equivalent(value, $0) } ?? false }
    case (.array(let l), .array(let r)):
      return l.count == r.count && zip(l, r).allSatisfy { equivalent($0, $1) }
    case (.number(let l), .number(let r)):
      guard let a = Double(l), let b = Double(r) else { return false }
      return a == b || abs(a - b) <= 1e-6 * max(abs(a), abs(b))
    default:
      return lhs == rhs
    }
  }
}
