import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// What tells every accept thread of a process to stop waiting: an eventfd that, once rung, stays readable, so every
/// thread's `ConnectionAcceptor` sees it, whether it is waiting now or comes back to wait later.
final class StopBell: Sendable {
    /// The eventfd.
    let descriptor: Int32

    init() throws(FastCGIError) {
        descriptor = eventfd(0, Int32(EFD_CLOEXEC))
        guard descriptor >= 0 else { throw FastCGIError("eventfd: \(String(cString: strerror(errno)))") }
    }

    deinit {
        _ = close(descriptor)
    }

    /// Wakes every waiting thread, now and for good.
    func ring() {
        var one: UInt64 = 1
        _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
    }
}
