@preconcurrency import CNcursesw
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The terminal, through ncursesw: the only code that calls curses.
///
/// curses is not thread-safe, so one dedicated thread does everything: it sets the terminal
/// up, draws the newest canvas handed over with `show(_:)` (only the rows that changed),
/// reads keys with a 30 ms timeout, and restores the terminal on `close()`. Keys, mouse events
/// and size changes go to the `input` callback. An `atexit` handler calls `endwin` if the
/// process exits while the screen is active.
public final class NcursesScreen: Sendable {
  /// How the terminal is set up.
  public struct Options: Sendable, Equatable {
    /// Use colours (off when `NO_COLOR` is set).
    public var colors: Bool
    /// Report mouse wheel and clicks.
    public var mouse: Bool

    /// Creates options.
    public init(colors: Bool = true, mouse: Bool = true) {
      self.colors = colors
      self.mouse = mouse
    }
  }

  /// What the terminal reports.
  public enum Input: Sendable, Equatable {
    /// A key.
    case key(Key)
    /// A mouse event.
    case mouse(MouseEvent)
    /// The terminal's size (first right after opening, then on every change).
    case resize(Size)
  }

  private struct Mailbox {
    var canvas: Canvas?
    var repaint = false
    var stop = false
  }

  private struct Exit {
    var done = false
    var waiters: [CheckedContinuation<Void, Never>] = []
  }

  private let mailbox = Mutex(Mailbox())
  private let exit = Mutex(Exit())
  private static let active = Atomic<Bool>(false)
  private static let atexitRegistered = Atomic<Bool>(false)

  private init() {}

  /// Sets the terminal up on the screen thread; throws when stdin/stdout are not a terminal
  /// or curses cannot use it.
  public static func open(
    options: Options, input: @escaping @Sendable (Input) -> Void
  ) async throws(TUIError) -> NcursesScreen {
    let screen = NcursesScreen()
    let result: Result<Void, TUIError> = await withCheckedContinuation { continuation in
      let thread = Thread {
        screen.main(options: options, input: input) { continuation.resume(returning: $0) }
      }
      thread.name = "plugin-dev curses"
      thread.start()
    }
    if case .failure(let error) = result { throw error }
    return screen
  }

  /// Hands the screen thread a canvas to draw (a newer one replaces one not yet drawn).
  public func show(_ canvas: Canvas) {
    mailbox.withLock { $0.canvas = canvas }
  }

  /// Redraws the whole terminal on the next round (Ctrl-L).
  public func repaint() {
    mailbox.withLock { $0.repaint = true }
  }

  /// Restores the terminal (`endwin`) and ends the screen thread; returns when it is done.
  public func close() async {
    mailbox.withLock { $0.stop = true }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let done = exit.withLock { state -> Bool in
        if state.done { return true }
        state.waiters.append(continuation)
        return false
      }
      if done { continuation.resume() }
    }
  }

  // MARK: - The screen thread

  private func main(options: Options, input: @Sendable (Input) -> Void, started: (Result<Void, TUIError>) -> Void) {
    defer { finished() }
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
      started(.failure(.notATerminal))
      return
    }
    setlocale(LC_ALL, "")
    let locale = setlocale(LC_CTYPE, nil).map { String(cString: $0).lowercased() } ?? ""
    let utf8 = locale.contains("utf-8") || locale.contains("utf8")
    guard let output = fdopen(dup(STDOUT_FILENO), "w"), let inputFile = fdopen(dup(STDIN_FILENO), "r") else {
      started(.failure(.notATerminal))
      return
    }
    defer {
      fclose(output)
      fclose(inputFile)
    }
    CrashGuard.prepare()
    guard let terminal = newterm(nil, output, inputFile) else {
      started(.failure(.terminalUnavailable(term: ProcessInfo.processInfo.environment["TERM"])))
      return
    }
    _ = set_term(terminal)
    Self.active.store(true, ordering: .sequentiallyConsistent)
    CrashGuard.setArmed(true)
    if !Self.atexitRegistered.exchange(true, ordering: .sequentiallyConsistent) {
      atexit { NcursesScreen.restoreAtExit() }
    }
    let window = cn_stdscr()
    _ = raw()
    _ = noecho()
    _ = nonl()
    _ = keypad(window, true)
    _ = curs_set(0)
    _ = set_escdelay(25)
    wtimeout(window, 30)
    var painter = Painter(window: window, colors: false, defaultColors: false, utf8: utf8)
    if options.colors, has_colors() {
      _ = start_color()
      painter.colors = true
      painter.defaultColors = use_default_colors() == OK
      painter.pairLimit = Int(COLOR_PAIRS)
    }
    if options.mouse {
      _ = mouseinterval(0)
      _ = mousemask(Mouse.reported, nil)
    }
    started(.success(()))
    input(.resize(currentSize(window)))

    var last: Canvas?
    while true {
      let (canvas, repaint, stop) = mailbox.withLock { box in
        defer {
          box.canvas = nil
          box.repaint = false
        }
        return (box.canvas, box.repaint, box.stop)
      }
      if stop { break }
      if repaint {
        _ = clearok(window, true)
        if canvas == nil, let last { painter.draw(last, over: nil) }
      }
      if let canvas {
        painter.draw(canvas, over: repaint ? nil : last)
        last = canvas
      }
      if repaint || canvas != nil { _ = wrefresh(window) }

      var code: wint_t = 0
      let asked = ContinuousClock.now
      let kind = wget_wch(window, &code)
      if kind == ERR, ContinuousClock.now - asked < .milliseconds(5) {
        // The terminal is gone (hang-up): reads fail at once; do not spin while quitting.
        napms(30)
      }
      if kind == OK {
        if let key = KeyDecoder.key(forCharacter: UInt32(code)) { input(.key(key)) }
      } else if kind == KEY_CODE_YES {
        switch Int32(code) {
        case KEY_RESIZE:
          last = nil
          input(.resize(currentSize(window)))
        case KEY_MOUSE:
          var event = MEVENT()
          if getmouse(&event) == OK, let mouse = Mouse.event(event) { input(.mouse(mouse)) }
        default:
          if let key = Self.specialKey(Int32(code)) { input(.key(key)) }
        }
      }
    }
    if options.mouse { _ = mousemask(0, nil) }
    _ = curs_set(1)
    _ = endwin()
    Self.active.store(false, ordering: .sequentiallyConsistent)
    CrashGuard.setArmed(false)
    delscreen(terminal)
  }

  private func finished() {
    let waiters = exit.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.done = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  private func currentSize(_ window: UnsafeMutablePointer<WINDOW>?) -> Size {
    Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
  }

  private static func restoreAtExit() {
    if active.exchange(false, ordering: .sequentiallyConsistent) {
      _ = endwin()
    }
  }

  private static func specialKey(_ code: Int32) -> Key? {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_BTAB: return .backTab
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_ENTER: return .enter
    case (KEY_F0 + 1)...(KEY_F0 + 12): return .function(Int(code - KEY_F0))
    default: return nil
    }
  }

  /// Mouse masks (`BUTTON4_PRESSED` and friends are macros Swift cannot import; these are
  /// their values for NCURSES_MOUSE_VERSION 2: `m << ((button - 1) * 5)`).
  private enum Mouse {
    static let button1Pressed: mmask_t = 0o2
    static let button1Clicked: mmask_t = 0o4
    static let button4Pressed: mmask_t = 0o2 << 15
    static let button5Pressed: mmask_t = 0o2 << 20
    static let reported = button1Pressed | button1Clicked | button4Pressed | button5Pressed

    static func event(_ event: MEVENT) -> MouseEvent? {
      let state = event.bstate
      let x = Int(event.x)
      let y = Int(event.y)
      if state & button4Pressed != 0 { return MouseEvent(.wheelUp, x: x, y: y) }
      if state & button5Pressed != 0 { return MouseEvent(.wheelDown, x: x, y: y) }
      if state & (button1Pressed | button1Clicked) != 0 { return MouseEvent(.press, x: x, y: y) }
      return nil
    }
  }

  /// Copies canvases to the curses window, row by row, skipping rows that did not change.
  private struct Painter {
    let window: UnsafeMutablePointer<WINDOW>?
    var colors: Bool
    var defaultColors: Bool
    let utf8: Bool
    var pairLimit = 0
    private var pairs: [Int: Int16] = [:]
    private var buffer: [wchar_t] = []

    init(window: UnsafeMutablePointer<WINDOW>?, colors: Bool, defaultColors: Bool, utf8: Bool) {
      self.window = window
      self.colors = colors
      self.defaultColors = defaultColors
      self.utf8 = utf8
    }

    mutating func draw(_ canvas: Canvas, over previous: Canvas?) {
      let rows = min(canvas.height, Int(getmaxy(window)))
      let columns = min(canvas.width, Int(getmaxx(window)))
      let comparable = previous?.size == canvas.size
      for y in 0..<max(0, rows) {
        let row = canvas.row(y)
        if comparable, let previous, previous.row(y) == row { continue }
        var x = 0
        var runStart = 0
        var runStyle = row.first?.style ?? .plain
        buffer.removeAll(keepingCapacity: true)
        for cell in row.prefix(columns) {
          if cell.style != runStyle {
            flush(y: y, x: runStart, style: runStyle)
            runStart = x
            runStyle = cell.style
          }
          append(cell.character)
          x += 1
        }
        flush(y: y, x: runStart, style: runStyle)
      }
    }

    private mutating func flush(y: Int, x: Int, style: Style) {
      guard !buffer.isEmpty else { return }
      var attributes = CN_A_NORMAL
      if style.bold { attributes |= CN_A_BOLD }
      if style.dim { attributes |= CN_A_DIM }
      if style.reverse { attributes |= CN_A_REVERSE }
      if style.underline { attributes |= CN_A_UNDERLINE }
      _ = wattr_set(window, attributes, pair(style), nil)
      let count = Int32(buffer.count)
      buffer.append(0)
      buffer.withUnsafeBufferPointer { text in
        _ = mvwaddnwstr(window, Int32(y), Int32(x), text.baseAddress, count)
      }
      buffer.removeAll(keepingCapacity: true)
    }

    /// Adds a character as wide characters; one that is not one column wide is replaced.
    private mutating func append(_ character: Character) {
      let scalars = character.unicodeScalars
      if let first = scalars.first, scalars.count == 1, first.value >= 0x20, first.value < 0x7f {
        buffer.append(wchar_t(first.value))
        return
      }
      guard utf8 else {
        buffer.append(wchar_t(Self.ascii(character).value))
        return
      }
      if CharacterWidth.of(character) == 1 {
        for scalar in scalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
      } else {
        buffer.append(wchar_t(0xFFFD))
      }
    }

    /// An ASCII stand-in for terminals without UTF-8.
    private static func ascii(_ character: Character) -> Unicode.Scalar {
      switch character {
      case "─", "━": return "-"
      case "│", "┃": return "|"
      case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
      case "▶", "›", "→": return ">"
      case "←": return "<"
      case "●", "█", "▇", "▆", "▅": return "#"
      case "▄", "▃", "▂", "▁", "◐": return "="
      case "○", "·": return "."
      case "✓": return "v"
      case "✗", "×": return "x"
      case "…": return "~"
      case "↑": return "^"
      case "↓": return "v"
      case "⚠": return "!"
      default: return "?"
      }
    }

    /// The colour pair for a style, made on first use (0 without colours or when pairs run out).
    private mutating func pair(_ style: Style) -> Int16 {
      guard colors, style.fg != .default || style.bg != .default else { return 0 }
      let key = (style.fg.rawValue + 1) * 16 + style.bg.rawValue + 1
      if let pair = pairs[key] { return pair }
      let next = pairs.count + 1
      guard next < pairLimit, next <= Int(Int16.max) else { return 0 }
      func curses(_ color: Color, fallback: Int16) -> Int16 {
        if color == .default { return defaultColors ? -1 : fallback }
        return Int16(color.rawValue)
      }
      _ = init_pair(
        Int16(next), curses(style.fg, fallback: Int16(COLOR_WHITE)), curses(style.bg, fallback: Int16(COLOR_BLACK)))
      pairs[key] = Int16(next)
      return Int16(next)
    }
  }
}
