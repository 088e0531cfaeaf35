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
            guard Self.isListening(3) else {
                throw Failure(description: "LISTEN_FDS is set but fd 3 is not a listening socket")
            }
            descriptor = 3
            ownedPath = nil
            handedOverFlags = (try? Posix.fcntl(3, F_GETFL)) ?? -1
        case .inherited:
            guard Self.isListening(0) else {
                throw Failure(
                    description:
                        "no --listen address was given and standard input is not a listening socket; "
                        + "pass --listen unix:/path/to.sock or --listen 127.0.0.1:9000, or start under spawn-fcgi"
                )
            }
            descriptor = 0
            ownedPath = nil
            handedOverFlags = (try? Posix.fcntl(0, F_GETFL)) ?? -1
        case .unix(let path):
            descriptor = try Self.openUnix(path: path, backlog: backlog, mode: socketMode, group: socketGroup)
            let status = (try? Posix.lstat(path)) ?? stat()
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
        if let handedOverFlags, handedOverFlags >= 0 { _ = try? Posix.fcntl(descriptor, F_SETFL, handedOverFlags) }
        if !address.isHandedOver { try? Posix.close(descriptor) }
        if let ownedPath, let status = try? Posix.lstat(ownedPath.path), UInt64(status.st_dev) == ownedPath.device,
            UInt64(status.st_ino) == ownedPath.inode
        {
            try? Posix.unlink(ownedPath.path)
        }
    }

    /// Whether `descriptor` is a listening socket.
    private static func isListening(_ descriptor: Int32) -> Bool {
        ((try? Posix.getsockopt(descriptor, level: SOL_SOCKET, option: SO_ACCEPTCONN)) ?? 0) != 0
    }

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
        if let status = try? Posix.lstat(path) {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw Failure(description: "\(path) exists and is not a socket; refusing to replace it")
            }
            if try isAlive(&address) {
                throw Failure(description: "another process is already listening on \(path)")
            }
            try? Posix.unlink(path)
        }
        let descriptor: Int32
        do {
            descriptor = try Posix.socket(
                domain: AF_UNIX, type: Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
        } catch {
            throw Failure(description: "socket(): \(error.message)")
        }
        // No moment with looser permissions than asked for: bind under a umask that yields at most `mode`.
        let previousMask = Posix.umask(~mode & 0o777)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Result { () throws(PosixError) in
                    try Posix.bind(descriptor, address: address, length: socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
        Posix.umask(previousMask)
        if case .failure(let error) = bound {
            try? Posix.close(descriptor)
            throw Failure(description: "cannot bind \(path): \(error.message)")
        }
        do {
            try Posix.chmod(path, mode: mode)
            if let group { try Posix.chown(path, owner: uid_t.max, group: group) }
            try Posix.listen(descriptor, backlog: backlog)
        } catch {
            try? Posix.close(descriptor)
            try? Posix.unlink(path)
            throw Failure(description: "cannot listen on \(path): \(error.message)")
        }
        return descriptor
    }

    /// Whether something accepts connections at a unix socket path. Only a refused connection means the file is a
    /// stale leftover; any other answer (accepted, a full queue, no permission) means it belongs to someone.
    private static func isAlive(_ address: inout sockaddr_un) throws(Failure) -> Bool {
        let probe: Int32
        do {
            probe = try Posix.socket(
                domain: AF_UNIX,
                type: Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue))
        } catch {
            throw Failure(description: "socket(): \(error.message)")
        }
        defer { try? Posix.close(probe) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Result { () throws(PosixError) in
                    try Posix.connect(probe, address: address, length: socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
        guard case .failure(let error) = connected else { return true }
        return error.code != ECONNREFUSED
    }

    /// The group id of a group name or number, or nil when there is no such group.
    static func groupID(_ name: String) -> gid_t? {
        if let number = gid_t(name) { return number }
        return Posix.groupID(named: name)
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
        let list: UnsafeMutablePointer<addrinfo>
        do {
            list = try Posix.getaddrinfo(host: host, service: String(port), hints: hints)
        } catch {
            throw Failure(description: "cannot resolve \(host): \(error.message)")
        }
        defer { Posix.freeaddrinfo(list) }
        let info = list.pointee
        let descriptor: Int32
        do {
            descriptor = try Posix.socket(
                domain: info.ai_family, type: info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                protocol: info.ai_protocol)
        } catch {
            throw Failure(description: "socket(): \(error.message)")
        }
        try? Posix.setsockopt(descriptor, level: SOL_SOCKET, option: SO_REUSEADDR, value: Int32(1))
        do {
            try Posix.bind(descriptor, address: info.ai_addr, length: info.ai_addrlen)
            try Posix.listen(descriptor, backlog: backlog)
        } catch {
            try? Posix.close(descriptor)
            throw Failure(description: "cannot listen on \(host):\(port): \(error.message)")
        }
        return descriptor
    }
}
