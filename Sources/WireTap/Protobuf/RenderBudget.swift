/// A countdown of fields that may still be rendered, shared by the visitors of one message
/// tree so a message with millions of elements still renders in bounded time and memory.
final class RenderBudget {
  private var remaining: Int

  init(_ limit: Int = RenderLimits.totalNodes) { remaining = limit }

  /// Takes one unit; false when the budget is spent.
  func take() -> Bool {
    guard remaining > 0 else { return false }
    remaining -= 1
    return true
  }
}
