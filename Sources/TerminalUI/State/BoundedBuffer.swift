/// Keeps the newest elements, oldest first, within a count and (optionally) a byte budget.
public struct BoundedBuffer<Element: Sendable>: Sendable, RandomAccessCollection {
  /// Elements kept before the oldest are dropped.
  public let capacity: Int
  /// Bytes kept before the oldest elements are dropped (`Int.max`: count only).
  public let byteBudget: Int
  /// Elements dropped so far.
  public private(set) var droppedCount = 0
  /// Bytes held now (as `cost` measures them).
  public private(set) var bytes = 0
  private let cost: @Sendable (Element) -> Int
  private var storage: [Element] = []
  private var head = 0

  /// Creates an empty buffer keeping at most `capacity` elements (at least 1) and, with a
  /// `byteBudget`, at most that many bytes as `cost` measures them (the newest element is always kept).
  public init(capacity: Int, byteBudget: Int = .max, cost: @escaping @Sendable (Element) -> Int = { _ in 0 }) {
    self.capacity = Swift.max(1, capacity)
    self.byteBudget = byteBudget
    self.cost = cost
  }

  /// Always 0.
  public var startIndex: Int { 0 }
  /// The number of elements held.
  public var endIndex: Int { storage.count - head }

  /// The element at `position` (0 = oldest held).
  public subscript(position: Int) -> Element {
    storage[head + position]
  }

  /// Appends, dropping the oldest elements while over the count or the byte budget.
  public mutating func append(_ element: Element) {
    storage.append(element)
    bytes += cost(element)
    while count > capacity || (bytes > byteBudget && count > 1) {
      bytes -= cost(storage[head])
      head += 1
      droppedCount += 1
    }
    if head > 1024 && head * 2 > storage.count {
      storage.removeFirst(head)
      head = 0
    }
  }

  /// Removes every element.
  public mutating func removeAll() {
    storage.removeAll()
    head = 0
    bytes = 0
  }
}

extension BoundedBuffer: Equatable where Element: Equatable {
  /// Same elements in the same order.
  public static func == (lhs: BoundedBuffer, rhs: BoundedBuffer) -> Bool {
    lhs.count == rhs.count && lhs.elementsEqual(rhs)
  }
}
