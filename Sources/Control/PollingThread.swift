import Engine
import Foundation

/// A control-side thread that runs passes until stopped, sleeping between them on a
/// `Wakeup`: for as long as the pass says (nil: until `signal`). The recorder's disk
/// writer, the stream reader and the pitch feedback are three.
public final class PollingThread: @unchecked Sendable {
    // @unchecked Sendable: `running` and `thread` are touched only under `lock`.
    private let wakeup = Wakeup()
    private let lock = NSLock()
    private var running = false
    private var thread: Thread?

    public init() {}

    /// Any control thread: start the thread, which runs `pass` until `stop`.
    public func start(name: String, _ pass: @escaping @Sendable () -> UInt64?) {
        let t = Thread { [self] in
            ThreadName.set(name)
            while lock.withLock({ running }) {
                let pause = pass()
                wakeup.wait(nanoseconds: pause)
            }
        }
        t.name = name
        lock.withLock {
            running = true
            thread = t
        }
        t.start()
    }

    /// Any control thread: run a pass now rather than at the end of the pause.
    public func signal() { wakeup.signal() }

    /// Any control thread: end the thread and wait until it has.
    public func stop() {
        let t = lock.withLock { () -> Thread? in
            running = false
            return thread
        }
        wakeup.signal()
        while t?.isFinished == false { usleep(1000) }
    }
}
