import Foundation
import Testing

@testable import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// `wrap --log`, `run --export` and `--pcap` open their files through `PrivateOutputFile`: what
/// another user planted at the path is refused, and what is written only its owner reads (#26 items 1, 2).
@Suite("private output files")
struct PrivateOutputFileTests {
  static func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("private-output-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  static func write(_ descriptor: Int32, _ text: String) {
    _ = text.withCString { Glibc.write(descriptor, $0, strlen($0)) }
    _ = close(descriptor)
  }

  @Test func aNewFileIsMadeOwnerOnlyAndAnOldOneOfOursIsReplaced() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/out.jsonl"
    Self.write(try PrivateOutputFile.open(path), "first\n")
    #expect(try Self.mode(path) == 0o600)
    Self.write(try PrivateOutputFile.open(path), "second\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    Self.write(try PrivateOutputFile.open(path, mode: .append), "third\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\nthird\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.jsonl"], "a temporary file was left")
  }

  @Test(arguments: [PrivateOutputFile.Mode.replace, .append])
  func aPlantedLinkIsRefusedAndItsTargetUntouched(_ mode: PrivateOutputFile.Mode) throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let target = folder + "/victim"
    try "precious\n".write(toFile: target, atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder + "/out.pcapng", withDestinationPath: target)
    #expect(throws: PrivateOutputFileError.symbolicLink(path: folder + "/out.pcapng")) {
      _ = try PrivateOutputFile.open(folder + "/out.pcapng", mode: mode)
    }
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
    #expect(PrivateOutputFileError.symbolicLink(path: "x").description.contains("remove the link"))
  }

  @Test(.enabled(if: getuid() == 0, "needs root to give a file to user nobody"))
  func aFileAnotherUserMadeIsRefused() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/x.jsonl"
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    #expect(chown(path, 65534, 65534) == 0 && chmod(path, 0o666) == 0)
    #expect {
      _ = try PrivateOutputFile.open(path)
    } throws: { error in
      guard case .ownedByAnotherUser(_, let owner) = error as? PrivateOutputFileError else { return false }
      return owner.contains("65534")
    }
    // Ours, but others may write it: refused too.
    #expect(chown(path, getuid(), getgid()) == 0)
    #expect(throws: PrivateOutputFileError.writableByOthers(path: path, mode: "666")) {
      _ = try PrivateOutputFile.open(path, mode: .append)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
  }

  @Test func aFolderOrFIFOIsNotWrittenTo() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(mkfifo(folder + "/fifo", 0o600) == 0)
    #expect(throws: PrivateOutputFileError.notRegularFile(path: folder + "/fifo", kind: "a FIFO")) {
      _ = try PrivateOutputFile.open(folder + "/fifo")
    }
    #expect(throws: PrivateOutputFileError.notRegularFile(path: folder, kind: "a folder")) {
      _ = try PrivateOutputFile.open(folder)
    }
  }
}
