/// A ring buffer that keeps the newest `capacity` elements, oldest first.
public struct BoundedBuffer<Element: Sendable>: Sendable, RandomAccessCollection {
  /// Elements kept before the oldest are dropped.
  public let capacity: Int
  /// Elements dropped so far.
  public private(set) var droppedCount = 0
  private var storage: [Element] = []
  private var head = 0

  /// Creates an empty buffer keeping at most `capacity` elements (at least 1).
  public init(capacity: Int) {
    self.capacity = Swift.max(1, capacity)
  }

  /// Always 0.
  public var startIndex: Int { 0 }
  /// The number of elements held.
  public var endIndex: Int { storage.count }

  /// The element at `position` (0 = oldest held).
  public subscript(position: Int) -> Element {
    storage[storage.count < capacity ? position : (head + position) % capacity]
  }

  /// Appends, dropping the oldest element when full.
  public mutating func append(_ element: Element) {
    if storage.count < capacity {
      storage.append(element)
    } else {
      storage[head] = element
      head = (head + 1) % capacity
      droppedCount += 1
    }
  }

  /// Removes every element.
  public mutating func removeAll() {
    storage.removeAll()
    head = 0
  }
}

extension BoundedBuffer: Equatable where Element: Equatable {
  /// Same elements in the same order.
  public static func == (lhs: BoundedBuffer, rhs: BoundedBuffer) -> Bool {
    lhs.count == rhs.count && lhs.elementsEqual(rhs)
  }
}
