import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns SIGINT, SIGTERM and SIGHUP from outside into a callback, so they take the same quit
/// path as `q` (stop the plugin, restore the terminal); the defaults come back on `cancel()`.
/// Headless `run` uses it too.
public final class SignalRelay {
  private let sources: [any DispatchSourceSignal]
  private let numbers: [Int32]

  /// Starts relaying `signals` (their default action is suspended until `cancel()`).
  public init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
    numbers = signals
    sources = signals.map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number)
      source.setEventHandler { handler(number) }
      source.resume()
      return source
    }
  }

  /// Stops relaying and restores the default actions.
  public func cancel() {
    for source in sources { source.cancel() }
    for number in numbers { signal(number, SIG_DFL) }
  }
}
