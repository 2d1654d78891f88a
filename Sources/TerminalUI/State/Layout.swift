/// Where each pane goes for a terminal size; used by `render` to draw and by `update` for
/// page sizes and mouse hit tests.
///
/// ```
/// row 0        status bar
/// rows 1…      ┌ Frames ──────────┐┌ 1 Handshake 2 Health 3 Logs ┐
///              │ list             ││ side pane                   │
///              └ /filter ─────────┘└─────────────────────────────┘
///              ─ Console ─────────────────────────────────────────
///              output lines
///              › input line
/// last row     key hints
/// ```
public struct Layout: Sendable, Equatable {
  /// The status bar (one row).
  public var status: Rect
  /// The frame list's box.
  public var frames: Rect
  /// The side pane's box.
  public var side: Rect
  /// The console: a title rule, output rows, the input row.
  public var console: Rect
  /// The key hints (one row).
  public var hints: Rect
  /// The area of the inspector and help overlays (between status bar and hints).
  public var overlay: Rect
  /// Whether the terminal is too small to lay anything out.
  public var tooSmall: Bool

  /// The smallest usable size.
  public static let minimum = Size(width: 40, height: 12)

  /// The side pane's widest width when there is no diagnosis: wider terminals widen the frame
  /// list (and so its summary column) instead.
  public static let sideMaxWidth = 72

  /// The layout for a state (the frame list is narrow while there is a diagnosis and no frames;
  /// a zoomed pane fills the screen).
  public init(state: AppState) {
    self.init(size: state.size, state: state)
  }

  /// The layout of a state drawn at `size`.
  public init(size: Size, state: AppState) {
    let zoom: Focus? = state.zoomed && state.focus != .console ? state.focus : nil
    self.init(size: size, narrowFrames: state.diagnosis != nil && state.frames.isEmpty, zoom: zoom)
  }

  /// The layout for a size; `zoom` (frames or side) gives that pane the whole area between the
  /// status bar and the hints.
  public init(size: Size, narrowFrames: Bool = false, zoom: Focus? = nil) {
    let width = size.width
    let height = size.height
    tooSmall = width < Self.minimum.width || height < Self.minimum.height
    status = Rect(x: 0, y: 0, width: width, height: min(1, height))
    hints = Rect(x: 0, y: max(0, height - 1), width: width, height: height > 1 ? 1 : 0)
    let consoleHeight = height >= 40 ? 8 : height >= 30 ? 6 : 5
    let mainHeight = max(0, height - 2 - consoleHeight)
    let share = max(20, width * (narrowFrames ? 35 : 58) / 100)
    let frameWidth = narrowFrames ? share : max(share, width - Self.sideMaxWidth)
    frames = Rect(x: 0, y: 1, width: min(frameWidth, width), height: mainHeight)
    side = Rect(x: frames.maxX, y: 1, width: width - frames.width, height: mainHeight)
    console = Rect(x: 0, y: 1 + mainHeight, width: width, height: max(0, height - 2 - mainHeight))
    overlay = Rect(x: 0, y: 1, width: width, height: max(0, height - 2))
    let whole = overlay
    switch zoom {
    case .frames:
      frames = whole
      side = Rect(x: width, y: 1, width: 0, height: 0)
      console = Rect(x: 0, y: whole.maxY, width: width, height: 0)
    case .side:
      side = whole
      frames = Rect(x: 0, y: 1, width: 0, height: 0)
      console = Rect(x: 0, y: whole.maxY, width: width, height: 0)
    case .console, nil:
      break
    }
  }

  /// Rows of frames in the frame list (inside the box, below the column header).
  public var frameRows: Int { max(1, frames.height - 3) }
  /// The first frame row's screen row.
  public var frameListTop: Int { frames.y + 2 }
  /// The side pane's content area.
  public var sideContent: Rect { side.inset(by: 1) }
  /// Console output rows.
  public var consoleOutputRows: Int { max(0, console.height - 2) }
  /// The console input row.
  public var consoleInput: Rect { console.row(console.height - 1) }
  /// Rows of content in the inspector.
  public var inspectorRows: Int { max(1, overlay.height - 2) }
}
