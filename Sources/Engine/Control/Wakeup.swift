#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Control side: lets a thread sleep until there is work (`signal`) or a deadline,
/// instead of waking on a timer to look. Never used on the process thread.
public final class Wakeup: @unchecked Sendable {
    // @unchecked Sendable: `pending` is only touched with `mutex` held.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>
    private var pending = false

    public init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    /// Any control thread: wake the waiter (or the next wait, if none is waiting).
    public func signal() {
        pthread_mutex_lock(mutex)
        pending = true
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// Sleep until signalled or `nanoseconds` have passed (nil: no deadline). True when
    /// signalled.
    @discardableResult
    public func wait(nanoseconds: UInt64? = nil) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let nanoseconds {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let total = UInt64(now.tv_nsec) + nanoseconds
            var deadline = timespec(tv_sec: now.tv_sec + Int(total / 1_000_000_000), tv_nsec: Int(total % 1_000_000_000))
            while !pending {
                if pthread_cond_timedwait(cond, mutex, &deadline) == ETIMEDOUT { break }
            }
        } else {
            while !pending { pthread_cond_wait(cond, mutex) }
        }
        let signalled = pending
        pending = false
        return signalled
    }
}
