import Foundation
import GRPCCore
import PluginHost
import PluginProtocol

/// `kv.roundtrip`: for plugins that serve `proto.KV`, every value put comes back byte for byte
/// (docs/protocol.md §11). `evaluate` is pure; `run` makes the calls.
///
/// A plugin counts as KV when `/proto.KV/Get` answers anything but UNIMPLEMENTED.
public enum KVRoundTrip {
  /// One value to put and get back.
  public struct Case: Sendable, Equatable {
    /// Short name for lists (`text`, `empty`, …).
    public var name: String
    /// The value described in a sentence (`the empty value`).
    public var phrase: String
    /// The key used.
    public var key: String
    /// The value.
    public var value: Data
  }

  /// How one case went.
  public enum CaseOutcome: Sendable, Equatable {
    /// Get returned the value put.
    case same(Case)
    /// Put failed.
    case putFailed(Case, code: Status.Code, message: String)
    /// Get failed.
    case getFailed(Case, code: Status.Code, message: String)
    /// Get returned other bytes.
    case different(Case, got: Data)
  }

  /// What the round trip found.
  public enum Outcome: Sendable, Equatable {
    /// `/proto.KV/Get` is not served.
    case notKV
    /// The first call got no answer in time (the cases were not tried: each would wait as long).
    case noAnswer(code: Status.Code, message: String)
    /// Every case, in order, and the time they took.
    case cases([CaseOutcome], milliseconds: Int)
  }

  /// The values: UTF-8 text, empty, every byte value 0x00–0xff, and 1 MiB of pseudo-random bytes.
  public static let cases: [Case] = {
    var generator = UInt64(0x9E37_79B9_7F4A_7C15)
    var big = Data(count: 1 << 20)
    for index in 0..<big.count {
      generator ^= generator << 13
      generator ^= generator >> 7
      generator ^= generator << 17
      big[index] = UInt8(truncatingIfNeeded: generator)
    }
    return [
      Case(
        name: "text", phrase: "the UTF-8 text value", key: "plugin-dev-check-text",
        value: Data("hello from plugin-dev check ✓".utf8)),
      Case(name: "empty", phrase: "the empty value", key: "plugin-dev-check-empty", value: Data()),
      Case(
        name: "bytes 0x00–0xff", phrase: "the value holding every byte 0x00–0xff", key: "plugin-dev-check-bytes",
        value: Data((0...255).map { UInt8($0) })),
      Case(name: "1 MiB", phrase: "the 1 MiB random value", key: "plugin-dev-check-1mib", value: big),
    ]
  }()

  /// Detects KV and runs every case against the plugin.
  public static func run(_ connection: PluginConnection, timeout: Duration = .seconds(10)) async -> Outcome {
    let kv = connection.kv
    do {
      _ = try await kv.get("plugin-dev-check-probe-\(UInt32.random(in: 0...UInt32.max))", timeout: timeout)
    } catch let error as RPCError where error.code == .unimplemented {
      return .notKV
    } catch let error as RPCError where error.code == .deadlineExceeded {
      let error = connection.explain(error, after: timeout)
      return .noAnswer(code: Status.Code(error.code), message: error.message)
    } catch {}
    let clock = ContinuousClock()
    let start = clock.now
    var outcomes: [CaseOutcome] = []
    for item in cases {
      do {
        try await kv.put(item.key, item.value, timeout: timeout)
      } catch {
        outcomes.append(.putFailed(item, code: code(error), message: message(error)))
        continue
      }
      do {
        let got = try await kv.get(item.key, timeout: timeout)
        outcomes.append(got == item.value ? .same(item) : .different(item, got: got))
      } catch {
        outcomes.append(.getFailed(item, code: code(error), message: message(error)))
      }
    }
    return .cases(outcomes, milliseconds: HandshakeChecks.milliseconds(clock.now - start))
  }

  /// The verdict: skip when not KV, fail on the first case that did not come back.
  public static func evaluate(_ outcome: Outcome) -> CheckResult {
    let outcomes: [CaseOutcome]
    let ms: Int
    switch outcome {
    case .notKV:
      return .skip(.kvRoundTrip, "not a KV plugin (/proto.KV/Get is UNIMPLEMENTED)")
    case .noAnswer(let code, let message):
      return .fail(
        .kvRoundTrip, "/proto.KV/Get got no answer: \(code) \(message)",
        fix: "Answer every call: a handler that blocks holds the host's call until its deadline.")
    case .cases(let all, let milliseconds):
      (outcomes, ms) = (all, milliseconds)
    }
    let bad = outcomes.filter { if case .same = $0 { return false } else { return true } }
    guard let first = bad.first else {
      let names = outcomes.compactMap { if case .same(let c) = $0 { return c.name } else { return nil } }
      return .pass(.kvRoundTrip, "put/get returned the same bytes for \(names.joined(separator: ", ")) in \(ms) ms")
    }
    let more = bad.count > 1 ? " (\(bad.count - 1) more case\(bad.count == 2 ? "" : "s") failed)" : ""
    switch first {
    case .same:
      return .pass(.kvRoundTrip, "")
    case .putFailed(let item, let code, let message):
      return .fail(
        .kvRoundTrip, "put of \(item.phrase) (\(item.value.count) bytes) failed: \(code) \(message)\(more)",
        fix: fixForError(code: code, item: item))
    case .getFailed(let item, let code, let message):
      return .fail(
        .kvRoundTrip,
        "get of \(item.phrase) (\(item.value.count) bytes) failed after a successful put: \(code) \(message)\(more)",
        fix: fixForError(code: code, item: item))
    case .different(let item, let got):
      var seen = "\(item.phrase) (\(item.value.count) bytes) came back as \(got.count) bytes"
      if let index = firstDifference(item.value, got) {
        if index < item.value.count, index < got.count {
          seen += String(
            format: ", first difference at byte %d (0x%02x instead of 0x%02x)", index, got[got.startIndex + index],
            item.value[item.value.startIndex + index])
        } else {
          seen += ", equal up to byte \(index)"
        }
      }
      return .fail(
        .kvRoundTrip, seen + more,
        fix: "Store and return values as bytes, unchanged: no text decoding or encoding, nothing appended.")
    }
  }

  /// The index of the first byte where `a` and `b` differ (or the shorter length), nil when equal.
  public static func firstDifference(_ a: Data, _ b: Data) -> Int? {
    let x = [UInt8](a)
    let y = [UInt8](b)
    for index in 0..<min(x.count, y.count) where x[index] != y[index] { return index }
    return x.count == y.count ? nil : min(x.count, y.count)
  }

  private static func fixForError(code: Status.Code, item: Case) -> String {
    if code == .resourceExhausted {
      return
        "Accept messages of at least \(item.value.count) bytes: raise the server's max receive and send message size "
        + "(a go-plugin host allows up to 2 GiB)."
    }
    return "Make Put store the value and Get return it (the error text above is the plugin's)."
  }

  private static func code(_ error: any Error) -> Status.Code {
    (error as? RPCError).map { Status.Code($0.code) } ?? .unknown
  }

  private static func message(_ error: any Error) -> String {
    (error as? RPCError)?.message ?? "\(error)"
  }
}
