import PluginHost
import PluginSession

extension AppState {
  /// Keys while the console input has focus: editing, history, Enter runs, Esc leaves.
  mutating func handleConsole(_ key: Key) -> [Effect] {
    let rows = max(1, Layout(state: self).consoleOutputRows)
    switch key {
    case .enter: return runConsoleLine()
    case .escape where console.pendingCalls > 0: return cancelCalls()
    case .escape: focus = .frames
    case .tab where completeMethod(): break
    case .tab, .backTab: focus = focus.cycled(backwards: key == .backTab)
    case .pageUp: console.scroll = min(console.scroll + rows, max(0, console.output.count - rows))
    case .pageDown: console.scroll = max(0, console.scroll - rows)
    case .control("l"): return [.repaint]
    default: _ = console.input.handle(key)
    }
    return []
  }

  /// Runs the typed line: plugin calls become effects; restart, clear, export and help are handled here.
  mutating func runConsoleLine() -> [Effect] {
    run(consoleCommand: console.input.submit())
  }

  /// Runs a console command line as if typed (shown in the console output).
  mutating func run(consoleCommand text: String) -> [Effect] {
    guard !text.trimmingWhitespace.isEmpty else { return [] }
    console.output.append(.command(text))
    console.scroll = 0
    let command: ConsoleCommand
    do {
      command = try ConsoleCommand.parse(text)
    } catch {
      console.output.append(.error(error.description))
      return []
    }
    if let viewing, command.actsOnThePlugin {
      console.output.append(.error(viewing.readOnlyMessage))
      return []
    }
    switch command {
    case .get, .put, .health, .services, .describe, .call:
      if console.pendingCalls == 0 { console.pendingSince = now }
      console.pendingCalls += 1
      return [.runCall(command, text: text)]
    case .restart:
      console.output.append(.info("restarting the plugin: its build step first (if it has one), then start…"))
      return [.restart(rebuild: true)]
    case .clear:
      frames.removeAll()
      frameList.removeAll()
      restartMarks.removeAll()
      inspector = nil
      console.output.removeAll()
      console.lastCall = nil
      return []
    case .export(let path) where ConsoleCommand.isCaptureExport(path):
      console.output.append(.info("writing the relay's traffic to \(path) (pcapng)…"))
      return [.exportCapture(path: path)]
    case .export(let path):
      console.output.append(.info("exporting \(frames.count) frames to \(path)…"))
      return [.export(path: path)]
    case .help:
      for (form, meaning) in ConsoleCommand.usage {
        console.output.append(.info(Format.left(form, 14) + " " + meaning))
      }
      return []
    }
  }
}
