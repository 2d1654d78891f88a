#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Makes this process a "child subreaper" (Linux `prctl(PR_SET_CHILD_SUBREAPER)`): processes a plugin
/// leaves behind are re-parented to plugin-dev instead of init, so `shutdown.no-children` sees every
/// one of them, even those killed a moment later or living outside the plugin's process group.
///
/// `prctl` is a C variadic function, which Swift does not import; it is looked up with `dlsym`
/// and called with its five `unsigned long`-sized arguments, as glibc's own wrapper reads them.
public enum ChildSubreaper {
  /// `PR_SET_CHILD_SUBREAPER` from `<linux/prctl.h>`.
  static let setChildSubreaper: Int32 = 36

  /// Turns the subreaper flag on; false where that is not possible (not Linux, or refused).
  @discardableResult
  public static func enable() -> Bool {
    #if os(Linux)
      typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return false }
      let prctl = unsafeBitCast(symbol, to: Prctl.self)
      return prctl(setChildSubreaper, 1, 0, 0, 0) == 0
    #else
      return false
    #endif
  }
}
