import Foundation
import PluginHost
import PluginProtocol
import SwiftProtobuf

/// The files one reflection fetch has taken, and the counts its limits are checked against.
///
/// A descriptor that does not parse (garbage bytes, types nested deeper than the protobuf
/// decoder's recursion limit) or that would pass the byte cap is dropped with a note naming what
/// it was asked for and why.
struct ReflectionFiles {
  let limits: ReflectionClient.Limits
  /// Requests sent so far.
  var requests = 0
  /// What was dropped, and where a limit stopped the fetch.
  var notes: [String] = []
  /// Services and imports no reply held.
  var unresolved: [String] = []
  private var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
  private var order: [String] = []
  private var bytes = 0
  private var byteCapNoted = false
  /// Every import of the files taken, sorted; nil once a file was added (recomputed when asked).
  private var dependencies: [String]? = []

  init(limits: ReflectionClient.Limits) {
    self.limits = limits
  }

  /// The files in the order they came.
  var ordered: [Google_Protobuf_FileDescriptorProto] { order.compactMap { files[$0] } }

  /// Whether a file of that name was taken.
  func has(_ name: String) -> Bool { files[name] != nil }

  /// The first import (by name) no file taken holds and not asked for yet.
  mutating func nextMissing(asked: Set<String>) -> String? {
    let sorted = dependencies ?? Set(files.values.flatMap(\.dependency)).sorted()
    dependencies = sorted
    return sorted.first { files[$0] == nil && !asked.contains($0) }
  }

  /// Why no more requests may be sent (a limit reached), or nil.
  func stopReason(deadline: ContinuousClock.Instant) -> String? {
    if ContinuousClock.now >= deadline { return "reflection stopped at its overall deadline (\(limits.overall))" }
    if requests >= limits.requests { return "reflection stopped after \(limits.requests) requests" }
    if files.count >= limits.files { return "reflection stopped at \(limits.files) files" }
    if bytes >= limits.bytes { return "reflection stopped at \(limits.bytes >> 20) MiB of descriptors" }
    return nil
  }

  /// Takes the descriptors of a reply to a request for `asked` (e.g. `service a.B`).
  mutating func take(_ response: Grpc_Reflection_V1_ServerReflectionResponse, for asked: String) {
    for data in response.fileDescriptorResponse.fileDescriptorProto {
      guard bytes + data.count <= limits.bytes else {
        if !byteCapNoted {
          notes.append(
            "a descriptor of \(data.count) bytes for \(asked) was dropped: past the \(limits.bytes >> 20) MiB"
              + " reflection takes in all")
          byteCapNoted = true
        }
        bytes = limits.bytes
        continue
      }
      bytes += data.count
      let file: Google_Protobuf_FileDescriptorProto
      do {
        file = try Google_Protobuf_FileDescriptorProto(serializedBytes: data)
      } catch {
        notes.append("a descriptor of \(data.count) bytes for \(asked) was dropped: \(Self.reason(error))")
        continue
      }
      guard files[file.name] == nil else { continue }
      guard files.count < limits.files else {
        notes.append("\(file.name) (for \(asked)) was dropped: reflection keeps \(limits.files) files at most")
        continue
      }
      files[file.name] = file
      order.append(file.name)
      dependencies = nil
    }
  }

  private static func reason(_ error: any Error) -> String {
    switch error {
    case BinaryDecodingError.messageDepthLimit:
      "its types are nested deeper than the protobuf decoder's limit (100 levels)"
    case BinaryDecodingError.truncated, BinaryDecodingError.malformedProtobuf:
      "not a FileDescriptorProto (malformed protobuf bytes)"
    default: "not a FileDescriptorProto (\(error))"
    }
  }
}
