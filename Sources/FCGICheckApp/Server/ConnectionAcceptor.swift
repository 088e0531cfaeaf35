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
        /// accept() or the wait failed (out of descriptors, say).
        case failed(PosixError)
    }

    private let listener: Int32
    private let epoll: Int32
    private let stopBell: Int32
    /// Whether the listener is a TCP socket (else a unix socket).
    let isTCP: Bool

    /// Makes a listening socket non-blocking, as every acceptor needs it. The flag belongs to the socket, so it holds
    /// for every process that shares it (all of them accept through this type).
    static func prepare(listener: Int32) throws(FastCGIError) {
        do {
            let flags = try Posix.fcntl(listener, F_GETFL)
            try Posix.fcntl(listener, F_SETFL, flags | O_NONBLOCK)
        } catch {
            throw FastCGIError("cannot make the listening socket non-blocking: \(error.message)")
        }
    }

    /// Prepares a wait on `listener` (made non-blocking by `prepare(listener:)`) and `stopBell`.
    init(listener: Int32, stopBell: StopBell) throws(FastCGIError) {
        self.listener = listener
        self.stopBell = stopBell.descriptor
        do {
            epoll = try Posix.epollCreate(flags: Int32(EPOLL_CLOEXEC))
        } catch {
            throw FastCGIError("\(error)")
        }
        let family = (try? Posix.getsockname(listener)).map { Int32($0.ss_family) }
        isTCP = family == AF_INET || family == AF_INET6
        do {
            // EPOLLEXCLUSIVE needs Linux 4.5; without it every waiting thread wakes for each connection (correct,
            // slower).
            do {
                try add(listener, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
            } catch {
                try add(listener, events: EPOLLIN.rawValue)
            }
            try add(self.stopBell, events: EPOLLIN.rawValue)
        } catch {
            try? Posix.close(epoll)
            throw FastCGIError("\(error)")
        }
    }

    deinit {
        try? Posix.close(epoll)
    }

    private func add(_ descriptor: Int32, events: UInt32) throws(PosixError) {
        var event = epoll_event()
        event.events = events
        event.data.fd = descriptor
        try Posix.epollControl(epoll, operation: EPOLL_CTL_ADD, descriptor: descriptor, event: &event)
    }

    /// Waits until a connection is accepted or the stop bell rings; `beforeWaiting` runs when the thread is about to
    /// sleep (a first look does not sleep).
    ///
    /// (Trying accept before the look saved a system call under load, but when connections come one at a time the
    /// thread that had just answered took the next one from under the thread epoll had woken for it: 15-25 us more
    /// CPU per request at one connection; taking it only when the last call had not slept gained nothing measurable.)
    func next(beforeWaiting: () -> Void = {}) -> Next {
        var timeout: Int32 = 0
        while true {
            var event = epoll_event()
            let count: Int32
            do {
                count = try Posix.epollWait(epoll, events: &event, maximum: 1, timeout: timeout)
            } catch {
                return .failed(error)
            }
            if count == 0 {
                if timeout == 0 {
                    beforeWaiting()
                    timeout = -1
                }
                continue
            }
            if event.data.fd == stopBell { return .stopRequested }
            switch acceptOne() {
            case .connection(let descriptor): return .connection(descriptor)
            case .empty:
                // Another thread (or process) took it; or the socket was shut down and is drained.
                if event.events & EPOLLHUP.rawValue != 0 { return .shutDown }
            case .shutDown: return .shutDown
            case .failed(let error): return .failed(error)
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
        case failed(PosixError)
    }

    private func acceptOne() -> Accepted {
        while true {
            let descriptor: Int32
            do {
                descriptor = try Posix.accept4(listener, flags: Int32(SOCK_CLOEXEC.rawValue))
            } catch {
                switch error.code {
                case EAGAIN, EWOULDBLOCK:
                    return .empty
                // The peer gave up between its connect and our accept, or the network failed under it: take the
                // next.
                case ECONNABORTED, EPROTO, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH:
                    continue
                case EINVAL:
                    // A shut-down TCP listener (its queue was reset): nothing more will come.
                    return .shutDown
                default:
                    return .failed(error)
                }
            }
            if isTCP {
                // A response is two writes (stdout, end of request); Nagle would hold the second for an ACK.
                try? Posix.setsockopt(descriptor, level: Int32(IPPROTO_TCP), option: TCP_NODELAY, value: Int32(1))
            }
            return .connection(descriptor)
        }
    }

    /// Whether a listening socket has been shut down: poll() then reports a hang-up (a live one reports at most
    /// a connection waiting).
    static func isShutDown(_ listener: Int32) -> Bool {
        var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        return (try? Posix.poll(&descriptor, count: 1, timeout: 0)) == 1 && descriptor.revents & Int16(POLLHUP) != 0
    }
}
