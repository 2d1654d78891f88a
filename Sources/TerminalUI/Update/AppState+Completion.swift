import PluginHost
import WireTap

extension AppState {
  /// Tab on `call METHOD…` or `describe NAME…`: completes the method path (to the longest common
  /// prefix, listing the candidates when several fit) and shows the request message's fields once
  /// one method is named. False when the line is not one of those (Tab then moves the focus).
  mutating func completeMethod() -> Bool {
    let text = console.input.text
    let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard let verb = parts.first?.lowercased(), verb == "call" || verb == "describe", parts.count >= 2 else {
      return false
    }
    let word = parts[1]
    let rest = parts.count == 3 ? " " + parts[2] : ""
    let methods = console.catalog.methods
    let candidates = MethodResolver.completions(of: word, in: methods)
    guard !candidates.isEmpty else {
      console.output.append(.error("no method starts with \"\(word)\" (`services` lists them)"))
      return true
    }
    if candidates.count == 1, let path = candidates.first {
      let request = verb == "call" && rest.isEmpty ? " {}" : rest
      console.input.setText("\(parts[0]) \(path)\(request)")
      if let fields = console.catalog.requestFields[path] { console.output.append(.info("\(path) request: \(fields)")) }
      return true
    }
    let common = Self.commonPrefix(candidates)
    if common.count > word.count { console.input.setText("\(parts[0]) \(common)\(rest)") }
    console.output.append(.info(candidates.prefix(12).joined(separator: "  ")))
    return true
  }

  /// Esc or Ctrl-C while calls are in flight: cancel them, keep the session.
  mutating func cancelCalls() -> [Effect] {
    console.output.append(.info("cancelling \(console.pendingCalls == 1 ? "the call" : "the calls") in flight…"))
    return [.cancelCalls]
  }

  static func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first.map(Array.init) else { return "" }
    for word in words.dropFirst() {
      let characters = Array(word)
      var length = 0
      while length < min(prefix.count, characters.count), prefix[length] == characters[length] { length += 1 }
      prefix = Array(prefix.prefix(length))
    }
    return String(prefix)
  }
}
