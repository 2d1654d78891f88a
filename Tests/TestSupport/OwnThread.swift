import Foundation

/// Runs blocking or CPU-bound work on a thread of its own and returns its result, so it never
/// holds one of the few threads all tests' async code shares (2 on a 2-core CI machine).
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    let thread = Thread { continuation.resume(returning: body()) }
    thread.start()
  }
}
