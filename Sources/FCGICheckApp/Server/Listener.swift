#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket, opened by us rather than by `FCGX_OpenSocket` (which calls `exit()` on any failure and
/// unlinks whatever is at a unix socket path, even a live socket of another process).
struct Listener: ~Copyable {
    /// The listening file descriptor.
    let descriptor: Int32
    /// Where it listens.
    let address: ListenAddress
    /// The unix socket file this process created, and its identity: a successor may have replaced it since.
    private let ownedPath: (path: String, device: UInt64, inode: UInt64)?
    /// A handed-over socket's status flags as we found them: the accept threads make it non-blocking, a flag that
    /// belongs to the socket itself and would outlive us in systemd's hands (an older release, or another program
    /// given the socket next, may expect it blocking).
    private let handedOverFlags: Int32?

    /// Why a socket could not be opened.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Opens (or, for `.inherited`, adopts) a listening socket.
    /// - Parameters:
    ///   - backlog: the `listen()` queue length.
    ///   - socketMode: permissions of a unix socket (e.g. 0o660: the web server's group may connect, nobody else).
    ///   - socketGroup: the group to give a unix socket (the web server's), or nil to keep ours.
    init(address: ListenAddress, backlog: Int32, socketMode: mode_t, socketGroup: gid_t? = nil) throws(Failure) {
        self.address = address
        switch address {
        case .activated:
            var accepting: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0, accepting != 0 else {
                throw Failure(description: "LISTEN_FDS is set but fd 3 is not a listening socket")
            }
            descriptor = 3
            ownedPath = nil
            handedOverFlags = fcntl(3, F_GETFL)
        case .inherited:
            var accepting: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0, accepting != 0 else {
                throw Failure(
                    description:
                        "no --listen address was given and standard input is not a listening socket; "
                        + "pass --listen unix:/path/to.sock or --listen 127.0.0.1:9000, or start under spawn-fcgi"
                )
            }
            descriptor = 0
            ownedPath = nil
            handedOverFlags = fcntl(0, F_GETFL)
        case .unix(let path):
            descriptor = try Self.openUnix(path: path, backlog: backlog, mode: socketMode, group: socketGroup)
            var status = stat()
            lstat(path, &status)
            ownedPath = (path, UInt64(status.st_dev), UInt64(status.st_ino))
            handedOverFlags = nil
        case .tcp(let host, let port):
            descriptor = try Self.openTCP(host: host, port: port, backlog: backlog)
            ownedPath = nil
            handedOverFlags = nil
        }
    }

    /// Closes the socket and removes the unix socket file it created, unless another server has replaced it since
    /// (a successor started while this one was finishing its last requests).
    /// A socket handed over by systemd or spawn-fcgi is left open, with its status flags as they were.
    consuming func close() {
        if let handedOverFlags, handedOverFlags >= 0 { _ = fcntl(descriptor, F_SETFL, handedOverFlags) }
        if !address.isHandedOver { _ = Glibc.close(descriptor) }
        if let ownedPath {
            var status = stat()
            if lstat(ownedPath.path, &status) == 0, UInt64(status.st_dev) == ownedPath.device,
                UInt64(status.st_ino) == ownedPath.inode
            {
                unlink(ownedPath.path)
            }
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    private static func openUnix(path: String, backlog: Int32, mode: mode_t, group: gid_t?) throws(Failure) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < capacity else {
            throw Failure(
                description: "unix socket path is too long (\(pathBytes.count) bytes, at most \(capacity - 1)): \(path)"
            )
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw Failure(description: "\(path) exists and is not a socket; refusing to replace it")
            }
            if try isAlive(&address) {
                throw Failure(description: "another process is already listening on \(path)")
            }
            unlink(path)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket(): \(errorText())") }
        // No moment with looser permissions than asked for: bind under a umask that yields at most `mode`.
        let previousMask = umask(~mode & 0o777)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        umask(previousMask)
        guard bound == 0 else {
            let text = errorText()
            _ = Glibc.close(descriptor)
            throw Failure(description: "cannot bind \(path): \(text)")
        }
        guard chmod(path, mode) == 0, group.map({ chown(path, uid_t.max, $0) == 0 }) ?? true,
            listen(descriptor, backlog) == 0
        else {
            let text = errorText()
            _ = Glibc.close(descriptor)
            unlink(path)
            throw Failure(description: "cannot listen on \(path): \(text)")
        }
        return descriptor
    }

    /// Whether something accepts connections at a unix socket path. Only a refused connection means the file is a
    /// stale leftover; any other answer (accepted, a full queue, no permission) means it belongs to someone.
    private static func isAlive(_ address: inout sockaddr_un) throws(Failure) -> Bool {
        let probe = socket(
            AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard probe >= 0 else { throw Failure(description: "socket(): \(errorText())") }
        defer { _ = Glibc.close(probe) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return connected == 0 || errno != ECONNREFUSED
    }

    /// The group id of a group name or number, or nil when there is no such group.
    static func groupID(_ name: String) -> gid_t? {
        if let number = gid_t(name) { return number }
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }

    /// Whether a TCP host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    private static func openTCP(host: String, port: UInt16, backlog: Int32) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        let info = first.pointee
        let descriptor = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.ai_protocol)
        guard descriptor >= 0 else { throw Failure(description: "socket(): \(errorText())") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.ai_addr, info.ai_addrlen) == 0, listen(descriptor, backlog) == 0 else {
            let text = errorText()
            _ = Glibc.close(descriptor)
            throw Failure(description: "cannot listen on \(host):\(port): \(text)")
        }
        return descriptor
    }
}
