import CLinux

/// What tells every accept thread of a process to stop waiting: an eventfd that, once rung, stays readable, so every
/// thread's `ConnectionAcceptor` sees it, whether it is waiting now or comes back to wait later.
final class StopBell: Sendable {
    /// The eventfd.
    let descriptor: Int32

    init() throws(FastCGIError) {
        do {
            descriptor = try Posix.eventfd(initialValue: 0, flags: Int32(EFD_CLOEXEC))
        } catch {
            throw FastCGIError("\(error)")
        }
    }

    deinit {
        try? Posix.close(descriptor)
    }

    /// Wakes every waiting thread, now and for good.
    func ring() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { try? Posix.write(descriptor, $0) }
    }
}
