/// Names close to a mistyped one (edit distance, case ignored), for "did you mean" hints.
public enum NearNames {
  /// Up to `limit` of `candidates` within a small edit distance of `name`, closest first;
  /// a candidate containing `name` (or contained in it) counts as close.
  public static func closest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
    let target = Array(name.lowercased())
    var scored: [(String, Int)] = []
    var seen: Set<String> = []
    for candidate in candidates where seen.insert(candidate).inserted {
      let lower = candidate.lowercased()
      let distance = editDistance(target, Array(lower))
      let threshold = max(2, target.count / 3)
      if distance <= threshold {
        scored.append((candidate, distance))
      } else if !target.isEmpty, lower.contains(String(target)) || String(target).contains(lower) {
        scored.append((candidate, threshold + 1))
      }
    }
    return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
  }

  /// Levenshtein distance.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
