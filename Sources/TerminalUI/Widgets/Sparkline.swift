/// A sparkline: one bar character per value, scaled between the smallest and largest value.
enum Sparkline {
  private static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// One character per value (the last `width` values).
  static func bars(_ values: [Double], width: Int) -> [Character] {
    let shown = values.suffix(max(0, width))
    guard let low = shown.min(), let high = shown.max() else { return [] }
    let span = high - low
    return shown.map { value in
      guard span > 0, value.isFinite else { return bars[0] }
      let level = Int(((value - low) / span * Double(bars.count - 1)).rounded())
      return bars[min(bars.count - 1, max(0, level))]
    }
  }
}
