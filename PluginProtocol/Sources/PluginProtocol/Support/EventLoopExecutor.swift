import NIOCore
import NIOPosix

/// One NIO event-loop thread that runs gRPC's I/O *and* the Swift tasks making or serving the
/// calls, so a call does not hop between the concurrency pool and an I/O thread.
///
/// By default grpc-swift-2 runs I/O on NIO's threads and the caller on the Swift pool; each
/// unary call then costs several thread hops (docs/swift-stack.md §4: a client call to a Go
/// plugin 635 µs, and 320 µs with the transport on one loop and the calls made with this
/// executor as their task executor preference; a Go host → Swift plugin call 0.78 → 0.55 ms).
/// PluginServer and PluginConnection use it; the price is that code run with the preference
/// runs on the I/O thread, so blocking there (synchronous file or network I/O, a long
/// computation) stalls the connection meanwhile.
public final class EventLoopExecutor: TaskExecutor {
  /// The one-thread group for the gRPC transport.
  public let group: MultiThreadedEventLoopGroup
  private let loop: any EventLoop

  /// Starts the thread (it lives as long as the executor).
  public init() {
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    loop = group.next()
  }

  /// The process's shared executor: plugin-dev's client connections, or a plugin's server.
  public static let shared = EventLoopExecutor()

  /// Runs `job` on the loop's thread.
  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    loop.execute { job.runSynchronously(on: executor) }
  }
}
