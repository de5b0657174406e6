import Foundation
import Glibc
import Logging

/// Keeps dawg's pages in RAM once they are touched: a page swapped out under memory
/// pressure faults on the process thread when it is next used, and a fault there is
/// a disk read. Audio servers lock their memory (Ardour, scsynth with -L); so does
/// dawg, where the system lets it do so without a bound.
enum MemoryLock {
    /// Lock when locking is unbounded: CAP_IPC_LOCK (root, usually) or an unlimited
    /// RLIMIT_MEMLOCK (the audio group's `memlock unlimited`). Under a finite limit,
    /// MCL_FUTURE would make allocations fail once the limit is reached, so dawg runs
    /// unlocked and says so. MCL_ONFAULT locks each page as it is first touched rather
    /// than populating every mapping now: thread stacks stay as small as they are used.
    static func lock(logger: Logger) {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &limit)
        let unlimited = limit.rlim_cur == rlim_t.max  // RLIM_INFINITY, which Swift imports as -1
        guard unlimited || hasIPCLock() else {
            logger.notice("memory is not locked: RLIMIT_MEMLOCK is \(limit.rlim_cur / 1024) kB; pages may be swapped out and fault on the audio thread. Allow 'memlock unlimited' (for example '@audio - memlock unlimited' in /etc/security/limits.d/audio.conf) or pass --no-lock-memory to silence this.")
            return
        }
        if mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0 {
            logger.info("memory locked: pages stay in RAM once touched")
        } else {
            logger.notice("memory is not locked: mlockall failed (\(String(cString: strerror(errno))))")
        }
    }

    /// CAP_IPC_LOCK (bit 14) in the effective capability set, from /proc/self/status.
    private static func hasIPCLock() -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let caps = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return caps & (1 << 14) != 0
    }
}
