import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// One accept thread's wait for its next connection on a listening socket that other threads, and other worker
/// processes, accept on too; or for its process's `StopBell`.
///
/// The accept is ours, not libfcgi's: a thread waits in `epoll_wait` on the listener and on the stop bell, so a stop
/// reaches it without a signal, and a signal can never cut short the read of a request's params that libfcgi does
/// after the accept (which would drop that request without a word). The listener is added with `EPOLLEXCLUSIVE`, so
/// a new connection wakes one waiting thread rather than all of them; it is non-blocking, so a thread that loses the
/// race for a connection goes back to waiting.
final class ConnectionAcceptor {
    /// What a wait ended with.
    enum Next {
        /// A connection, already accepted (close-on-exec, blocking).
        case connection(Int32)
        /// The stop bell rang.
        case stopRequested
        /// The listening socket was shut down (a full stop of the socket's owner) and its queue is empty.
        case shutDown
        /// accept() or the wait failed with this errno (out of descriptors, say).
        case failed(errno: Int32)
    }

    private let listener: Int32
    private let epoll: Int32
    private let stopBell: Int32
    /// Whether the listener is a TCP socket (else a unix socket).
    let isTCP: Bool

    /// Makes a listening socket non-blocking, as every acceptor needs it. The flag belongs to the socket, so it holds
    /// for every process that shares it (all of them accept through this type).
    static func prepare(listener: Int32) throws(FastCGIError) {
        let flags = fcntl(listener, F_GETFL)
        guard flags >= 0, fcntl(listener, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw FastCGIError("cannot make the listening socket non-blocking: \(String(cString: strerror(errno)))")
        }
    }

    /// Prepares a wait on `listener` (made non-blocking by `prepare(listener:)`) and `stopBell`.
    init(listener: Int32, stopBell: StopBell) throws(FastCGIError) {
        self.listener = listener
        self.stopBell = stopBell.descriptor
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw FastCGIError("epoll_create1: \(String(cString: strerror(errno)))") }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        isTCP = named == 0 && (Int32(address.ss_family) == AF_INET || Int32(address.ss_family) == AF_INET6)
        // EPOLLEXCLUSIVE needs Linux 4.5; without it every waiting thread wakes for each connection (correct, slower).
        let exclusive = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        guard add(listener, events: exclusive) || add(listener, events: EPOLLIN.rawValue),
            add(self.stopBell, events: EPOLLIN.rawValue)
        else {
            let text = String(cString: strerror(errno))
            _ = close(epoll)
            throw FastCGIError("epoll_ctl: \(text)")
        }
    }

    deinit {
        _ = close(epoll)
    }

    private func add(_ descriptor: Int32, events: UInt32) -> Bool {
        var event = epoll_event()
        event.events = events
        event.data.fd = descriptor
        return epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0
    }

    /// Waits until a connection is accepted or the stop bell rings.
    func next() -> Next {
        while true {
            var event = epoll_event()
            let count = epoll_wait(epoll, &event, 1, -1)
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if count == 0 { continue }
            if event.data.fd == stopBell { return .stopRequested }
            switch acceptOne() {
            case .connection(let descriptor): return .connection(descriptor)
            case .empty:
                // Another thread (or process) took it; or the socket was shut down and is drained.
                if event.events & EPOLLHUP.rawValue != 0 { return .shutDown }
            case .shutDown: return .shutDown
            case .failed(let code): return .failed(errno: code)
            }
        }
    }

    /// Accepts one connection still queued on a listener that was shut down, without waiting; nil when none is left.
    func nextQueued() -> Int32? {
        if case .connection(let descriptor) = acceptOne() { return descriptor }
        return nil
    }

    private enum Accepted {
        case connection(Int32)
        case empty
        case shutDown
        case failed(Int32)
    }

    private func acceptOne() -> Accepted {
        while true {
            let descriptor = CLinux_accept4(listener, Int32(SOCK_CLOEXEC.rawValue))
            if descriptor >= 0 {
                if isTCP {
                    // A response is two writes (stdout, end of request); Nagle would hold the second for an ACK.
                    var yes: Int32 = 1
                    setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                }
                return .connection(descriptor)
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return .empty
            // The peer gave up between its connect and our accept, or the network failed under it: take the next.
            case ECONNABORTED, EPROTO, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH:
                continue
            case EINVAL:
                // A shut-down TCP listener (its queue was reset): nothing more will come.
                return .shutDown
            default:
                return .failed(errno)
            }
        }
    }

    /// Whether a listening socket has been shut down: poll() then reports a hang-up (a live one reports at most
    /// a connection waiting).
    static func isShutDown(_ listener: Int32) -> Bool {
        var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents & Int16(POLLHUP) != 0
    }
}
