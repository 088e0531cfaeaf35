import CFastCGI

#if canImport(Glibc)
    import Glibc
#endif

/// libfcgi, wrapped: every `FCGX_*` call and every C type of the library lives in this file.
enum FastCGILibrary {
    /// Initialises libfcgi once, before any accept thread starts.
    ///
    /// `FCGX_Init` installs its own handlers for SIGPIPE, SIGUSR1 and SIGTERM when they are at their defaults; they
    /// set libfcgi's global shutdown flag, which makes every later read and write of every request fail. SIGPIPE and
    /// SIGUSR1 are set to "ignore" first (a vanished client then shows up as EPIPE on write, a stray SIGUSR1 is
    /// harmless), and the stop signals are put back to their defaults afterwards: they are blocked in every thread
    /// and taken by `sigwait`, never by a handler.
    static func initialize() throws(FastCGIError) {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGUSR1, SIG_IGN)
        guard FCGX_Init() == 0 else { throw FastCGIError("FCGX_Init failed") }
        for stopSignal in [SIGTERM, SIGINT, SIGQUIT] { signal(stopSignal, SIG_DFL) }
    }
}

/// A libfcgi failure, with what failed.
struct FastCGIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One accept thread's libfcgi request: accepts a connection, reads its params and body, writes the answer.
///
/// It is used by the thread that created it and by no other, so it is not `Sendable`. The `FCGX_Request` is
/// heap-allocated because its streams point back into it.
final class FastCGIConnection {
    /// How an accept ended.
    enum AcceptResult {
        case accepted
        /// The wait was interrupted by a signal (the server is stopping) or failed with this errno.
        case failed(errno: Int32)
    }

    /// A request body as read to end of input.
    enum Body {
        case complete([UInt8])
        /// Longer than the limit; what was read is discarded.
        case tooLarge
        /// The connection failed while reading.
        case failed
    }

    private let request: UnsafeMutablePointer<FCGX_Request>
    private let ioTimeoutSeconds: Int
    private var isOpen = false

    /// Prepares a request slot on a listening socket.
    /// - Parameter ioTimeoutSeconds: how long one read or write of a request may block.
    init(listeningOn socket: Int32, ioTimeoutSeconds: Int) throws(FastCGIError) {
        self.ioTimeoutSeconds = ioTimeoutSeconds
        request = .allocate(capacity: 1)
        // FAIL_ACCEPT_ON_INTR: a signal sent to this thread ends a blocked accept, which is how a stop reaches it.
        guard FCGX_InitRequest(request, socket, Int32(FCGI_FAIL_ACCEPT_ON_INTR)) == 0 else {
            request.deallocate()
            throw FastCGIError("FCGX_InitRequest failed")
        }
    }

    deinit {
        finish()
        request.deallocate()
    }

    /// Waits for the next request (finishing the previous one first, as `FCGX_Accept_r` does).
    func accept() -> AcceptResult {
        let result = FCGX_Accept_r(request)
        if result == 0 {
            isOpen = true
            // A peer that stops sending or reading mid-request frees this thread after the timeout.
            var timeout = timeval(tv_sec: ioTimeoutSeconds, tv_usec: 0)
            let length = socklen_t(MemoryLayout<timeval>.size)
            setsockopt(request.pointee.ipcFd, SOL_SOCKET, SO_RCVTIMEO, &timeout, length)
            setsockopt(request.pointee.ipcFd, SOL_SOCKET, SO_SNDTIMEO, &timeout, length)
            // A peer asking to keep the connection (FCGI_KEEP_CONN) would pin this thread while idle: never keep it.
            request.pointee.keepConnection = 0
            return .accepted
        }
        isOpen = false
        return .failed(errno: result < 0 && result != -9999 ? -result : errno)
    }

    /// A FastCGI param of the current request (`REQUEST_METHOD`, `CONTENT_TYPE`, ...), copied into Swift.
    ///
    /// Decoded as Latin-1, byte for byte, as the reference service's server (Starlette) decodes header values: a
    /// `Content-Type` with a stray 0xA0 byte must be judged as the reference judges it.
    func param(_ name: String) -> String? {
        guard isOpen, let value = FCGX_GetParam(name, request.pointee.envp) else { return nil }
        let length = strlen(value)
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            var text = String.UnicodeScalarView()
            for index in 0..<length { text.append(Unicode.Scalar(bytes[index])) }
            return String(text)
        }
    }

    /// Reads the body to end of input, whatever `CONTENT_LENGTH` says (nginx may send it empty).
    ///
    /// A body over `limit` is read on to its end, up to `drainLimit` bytes in all, and discarded, so that the web
    /// server is not cut off mid-upload and can show the 413.
    func readBody(limit: Int, drainLimit: Int, expectedLength: Int?) -> Body {
        guard isOpen else { return .failed }
        var body: [UInt8] = []
        if let expectedLength, expectedLength <= limit { body.reserveCapacity(expectedLength) }
        let chunkSize = 65_536
        var total = 0
        var tooLarge = false
        let chunk = UnsafeMutablePointer<CChar>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        while true {
            let count = Int(FCGX_GetStr(chunk, Int32(chunkSize), request.pointee.in))
            if count <= 0 { break }
            total += count
            if total > limit { tooLarge = true }
            if !tooLarge {
                chunk.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                    body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                }
            } else {
                body = []
                if total > drainLimit { return .tooLarge }
            }
            if count < chunkSize { break }
        }
        if FCGX_GetError(request.pointee.in) != 0 { return .failed }
        return tooLarge ? .tooLarge : .complete(body)
    }

    /// Writes the response (CGI header block, then body) and flushes it.
    /// - Returns: false when the web server has gone away (the client aborted), which is not an error of ours.
    func write(head: [UInt8], body: [UInt8]) -> Bool {
        guard isOpen, put(head), put(body) else { return false }
        return FCGX_FFlush(request.pointee.out) == 0
    }

    /// `FCGX_PutStr` takes an `Int32` count: large bodies go in slices.
    private func put(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                var offset = 0
                while offset < chars.count {
                    let count = min(chars.count - offset, 1 << 20)
                    guard FCGX_PutStr(chars.baseAddress! + offset, Int32(count), request.pointee.out) == count else {
                        return false
                    }
                    offset += count
                }
                return true
            }
        }
    }

    /// Ends the current request and closes its connection.
    func finish() {
        guard isOpen else { return }
        FCGX_Finish_r(request)
        isOpen = false
    }
}
