import Foundation
import PluginHost
import PluginProtocol
import PluginSession
import WireTap

/// Everything the TUI shows; changed only by `update(_:_:)`, drawn by `render(_:size:)`.
public struct AppState: Sendable {
  // MARK: Session

  /// The plugin's name (from the target).
  public var pluginName: String
  /// Where the plugin is in its life.
  public var phase: Phase = .idle
  /// The running plugin's pid.
  public var pid: Int32?
  /// When the current process started.
  public var startedAt: Date?
  /// 1 for the first start, 2 after a restart, …
  public var generation = 0
  /// The plugin command line.
  public var command: String?
  /// The host profile acted as (`--host`), if any.
  public var hostProfile: String?
  /// `run --serve`: how a real host reattaches through the relay.
  public var reattach: ReattachConfig?
  /// The build command, when there is a build step.
  public var buildCommand: String?
  /// The plugin's working directory.
  public var workingDirectory: String?
  /// The go-plugin variables sent to the plugin (cookie and `PLUGIN_*`).
  public var environment: [String: String] = [:]
  /// Variables removed from the plugin's environment.
  public var removedEnvironment: [String] = []
  /// How many more variables the plugin inherits from plugin-dev's environment.
  public var inheritedEnvironmentCount = 0
  /// The accepted handshake.
  public var handshake: HandshakeInfo?
  /// Why the handshake failed.
  public var diagnosis: HandshakeDiagnosis?
  /// The decoding relay's address, and the plugin's.
  public var tap: (local: String, plugin: String)?
  /// The last exit status, as text.
  public var lastExit: String?
  /// `plugin-dev view`: the log shown, read-only (nil when running a plugin).
  public var viewing: ViewInfo?

  // MARK: Data

  /// The captured frames (bounded).
  public var frames: FrameLog
  /// The frame list: filter, selection, scrolling, follow.
  public var frameList = FrameListState()
  /// Where the plugin was restarted, oldest first (at most `restartMarkLimit`).
  public var restartMarks: [RestartMark] = []
  /// Log lines, bounded by count and by bytes (10,000 lines of 64 KiB would be 640 MB).
  public var logs = BoundedBuffer<LogLine>(capacity: 10_000, byteBudget: 16 << 20) { $0.approximateBytes }
  /// Health samples (bounded).
  public var health = BoundedBuffer<HealthSample>(capacity: 600)
  /// Health samples whose status differs from the one before (bounded).
  public var healthChanges = BoundedBuffer<HealthSample>(capacity: 200)
  /// The console.
  public var console = ConsoleState()

  // MARK: UI

  /// The terminal size.
  public var size: Size
  /// The current time (from ticks and events).
  public var now: Date
  /// Time zone for clock times.
  public var timeZone: TimeZone
  /// The pane that receives keys.
  public var focus: Focus = .frames
  /// The side pane's tab.
  public var sideTab: SideTab = .handshake
  /// Whether the user picked the side tab (then it is not switched automatically).
  public var sideTabChosen = false
  /// Scroll offset of the Handshake and Health tabs (first line shown), per tab.
  public var sideScroll: [SideTab: Int] = [:]
  /// Lines the Logs tab is scrolled up from the newest (0 = following).
  public var logScroll = 0
  /// The selected log line, counted up from the newest (0 = the newest); Enter opens it.
  public var logSelected = 0
  /// The log line opened in full, when open.
  public var logViewer: LogViewerState?
  /// Whether the focused pane (frames or side pane) fills the screen.
  public var zoomed = false
  /// The frame inspector, when open.
  public var inspector: InspectorState?
  /// Whether the key help is shown.
  public var showHelp = false
  /// First line of the help shown.
  public var helpScroll = 0
  /// Set once quitting started (the plugin is being stopped).
  public var quitting = false
  /// Console commands still to run once the plugin is ready (`run --exec`), in order.
  public var pendingExecs: [String] = []
  /// Whether an `--exec` command's call, restart or export is under way.
  public var execInFlight = false
  /// An `--exec` call that returned before its result reached the console (the next waits for it).
  public var execAwaitingResult: CallRecord?

  /// Restart separators kept in the frame list.
  public static let restartMarkLimit = 100

  /// Creates the state for a plugin, before anything happened.
  public init(
    pluginName: String, frameCapacity: Int = 100_000, size: Size = .designMinimum, now: Date = Date(),
    timeZone: TimeZone = .current
  ) {
    self.pluginName = pluginName
    self.frames = FrameLog(capacity: frameCapacity)
    self.size = size
    self.now = now
    self.timeZone = timeZone
  }

  /// The newest health sample.
  public var latestHealth: HealthSample? { health.last }

  /// Rows of frames visible in the frame list at the current size.
  public var visibleFrameRows: Int { Layout(state: self).frameRows }

  /// Whether a record belongs to the latest console call (its method, between its start and end).
  public func isPartOfLastCall(_ record: FrameRecord) -> Bool {
    guard let call = console.lastCall, !call.method.isEmpty, record.method == call.method else { return false }
    return record.time >= call.started.addingTimeInterval(-0.001) && record.time <= call.ended.addingTimeInterval(0.001)
  }
}
