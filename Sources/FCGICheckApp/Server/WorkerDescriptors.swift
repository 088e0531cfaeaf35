#if canImport(Glibc)
    import Glibc
#endif

/// Where a worker finds what its supervisor hands it: the listening socket on fd 0 (the FastCGI convention), the
/// scoreboard on fd 3 and its generation's policy on fd 4.
enum WorkerDescriptors {
    static let listener: Int32 = 0
    static let scoreboard: Int32 = 3
    static let policy: Int32 = 4

    /// `descriptor` moved to a number of 10 or more (close-on-exec), so that putting the supervisor's descriptors on
    /// fds 0, 3 and 4 of a new worker never overwrites one of them before it is handed over. The original is closed
    /// either way.
    static func movedAside(_ descriptor: Int32) throws(PosixError) -> Int32 {
        guard descriptor < 10 else { return descriptor }
        defer { try? Posix.close(descriptor) }
        return try Posix.fcntl(descriptor, F_DUPFD_CLOEXEC, 10)
    }
}
