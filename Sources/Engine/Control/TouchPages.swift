#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Control side: write every page of freshly allocated memory that the realtime
/// thread will write. Until a page is written the kernel has not mapped it, and the
/// first write faults on the process thread: kernel work under the process's mmap
/// lock, which can wait on another thread's mmap or munmap. `memset` binds no type, so
/// the memory stays uninitialised as far as Swift is concerned.
func touchPages<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
    memset(pointer, 0, count * MemoryLayout<T>.stride)
}
