import CThreadName

/// Names the calling thread for the kernel (`top -H`, /proc/<pid>/task/*/comm, perf),
/// which Foundation's `Thread.name` does not do on Linux. At most 15 bytes are kept.
public enum ThreadName {
    public static func set(_ name: String) { dawg_set_thread_name(name) }
}
