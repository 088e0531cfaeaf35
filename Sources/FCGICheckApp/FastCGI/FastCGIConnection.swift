import CFastCGI

#if canImport(Glibc)
    import Glibc
#endif

/// libfcgi, wrapped: every `FCGX_*` call and every C type of the library lives in this file.
enum FastCGILibrary {
    /// Initialises libfcgi once, before any accept thread starts.
    ///
    /// `FCGX_Init` installs its own handlers for SIGPIPE, SIGUSR1 and SIGTERM when they are at their defaults, which
    /// would make every later read and write of every request fail after a stray signal; it runs under
    /// `Signals.keepingStopDispositions`, which ignores the first two beforehand and gives the stop signals back the
    /// dispositions they had.
    static func initialize() throws(FastCGIError) {
        try Signals.keepingStopDispositions { () throws(FastCGIError) in
            guard FCGX_Init() == 0 else { throw FastCGIError("FCGX_Init failed") }
        }
    }
}

/// A libfcgi failure, with what failed.
struct FastCGIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One accept thread's libfcgi request: reads a connection's params and body, writes the answer.
///
/// The connection is accepted by the caller (`ConnectionAcceptor`), not by libfcgi: the request is given no listening
/// socket, and each accepted descriptor is handed to `FCGX_Accept_r`, which then only reads the params. So the
/// read of the params is bounded by the I/O timeout like every other read, and no signal is needed to stop a thread.
/// It is used by the thread that created it and by no other, so it is not `Sendable`. The `FCGX_Request` is
/// heap-allocated because its streams point back into it.
final class FastCGIConnection {
    /// A request body as read to end of input.
    enum Body {
        case complete([UInt8])
        /// Longer than the limit; what was read is discarded.
        case tooLarge
        /// The connection failed while reading.
        case failed
    }

    private let request: UnsafeMutablePointer<FCGX_Request>
    /// Where a body is read into, in chunks, before it is appended to the request's bytes: one for the connection's
    /// life, not 64 KiB from the heap for each request.
    private let chunk = UnsafeMutablePointer<CChar>.allocate(capacity: chunkSize)
    private static let chunkSize = 65_536
    private let ioTimeoutSeconds: Int
    private let lingersOnClose: Bool
    /// Whether a request is open. Unchecked exclusivity here and on `unbuffered`: a connection belongs to one accept
    /// thread, and no access spans a call that could reach the property again, so no two accesses overlap; the
    /// dynamic checks were a runtime call pair, some 60 instructions, each.
    @exclusivity(unchecked) private var isOpen = false

    /// Prepares a request slot.
    /// - Parameters:
    ///   - ioTimeoutSeconds: how long one read or write of a request (its params included) may block.
    ///   - lingersOnClose: whether closing a connection whose input was read to its end still does libfcgi's
    ///     lingering close (shut the sending side, wait for the peer to close). That guards TCP against a reset that
    ///     would destroy the answer in flight; a unix socket has no such reset, and the wait holds the thread until
    ///     the web server has read the answer and closed its end.
    init(ioTimeoutSeconds: Int, lingersOnClose: Bool) throws(FastCGIError) {
        self.ioTimeoutSeconds = ioTimeoutSeconds
        self.lingersOnClose = lingersOnClose
        request = .allocate(capacity: 1)
        // No listening socket (-1): were libfcgi ever to accept by itself (after a connection whose params failed),
        // its accept() fails at once with EBADF instead of blocking this thread where no stop can reach it.
        guard FCGX_InitRequest(request, -1, 0) == 0 else {
            request.deallocate()
            chunk.deallocate()
            throw FastCGIError("FCGX_InitRequest failed")
        }
    }

    deinit {
        finish()
        request.deallocate()
        chunk.deallocate()
    }

    /// Reads the params of a request on an accepted connection, which this object then owns (and closes).
    /// - Returns: false when the peer sent no valid request start within the I/O timeout (libfcgi has closed the
    ///   connection then).
    func begin(connection descriptor: Int32) -> Bool {
        finish()
        // A peer that stops sending or reading mid-request frees this thread after the timeout. On a unix socket the
        // write timeout is set only for an answer that could fill the socket's buffer (`put`): a smaller one never
        // waits for the peer to read, and a system call a request is saved.
        let timeout = timeval(tv_sec: ioTimeoutSeconds, tv_usec: 0)
        try? Posix.setsockopt(descriptor, level: SOL_SOCKET, option: SO_RCVTIMEO, value: timeout)
        if lingersOnClose {
            try? Posix.setsockopt(descriptor, level: SOL_SOCKET, option: SO_SNDTIMEO, value: timeout)
        }
        // FCGX_Accept_r first finishes the previous request, closing its connection unless it is kept: marking this
        // one "kept" makes libfcgi read from it as from a kept-alive connection instead of accepting.
        request.pointee.ipcFd = descriptor
        request.pointee.keepConnection = 1
        guard FCGX_Accept_r(request) == 0 else {
            // libfcgi closed the descriptor, then its own accept on no socket failed.
            request.pointee.ipcFd = -1
            request.pointee.keepConnection = 0
            return false
        }
        isOpen = true
        // A peer asking to keep the connection (FCGI_KEEP_CONN) would pin this thread while idle: never keep it.
        request.pointee.keepConnection = 0
        return true
    }

    /// The params the service reads, found in one pass over the request's params (libfcgi's `NAME=value`
    /// strings), the first of a name winning as with `FCGX_GetParam`.
    struct Params {
        var requestURI: String?
        var documentURI: String?
        var requestMethod: String?
        var contentType: String?
        var contentLength: String?
        var queryString: String?
        var acceptLanguage: String?
        var requestID: String?
    }

    /// The current request's params (all nil when no request is open).
    func params() -> Params {
        var found = Params()
        guard isOpen, var entry = request.pointee.envp else { return found }
        while let pointer = entry.pointee {
            entry += 1
            // Takes the param's value into `slot` when its `NAME=` is `prefix` and no earlier param of that name was
            // taken (the first of a name wins, as with `FCGX_GetParam`).
            func take(_ prefix: StaticString, into slot: inout String?) -> Bool {
                guard slot == nil, let value = Self.value(of: prefix, in: pointer) else { return false }
                slot = value
                return true
            }
            // By the first byte: most of the params nginx sends are none of these, and are passed over without
            // being measured (a length and a search for "=" in each cost some 150 instructions a param).
            switch UInt8(bitPattern: pointer.pointee) {
            case UInt8(ascii: "R"):
                _ =
                    take("REQUEST_URI=", into: &found.requestURI)
                    || take("REQUEST_METHOD=", into: &found.requestMethod)
                    || take("REQUEST_ID=", into: &found.requestID)
            case UInt8(ascii: "D"): _ = take("DOCUMENT_URI=", into: &found.documentURI)
            case UInt8(ascii: "C"):
                _ =
                    take("CONTENT_TYPE=", into: &found.contentType)
                    || take("CONTENT_LENGTH=", into: &found.contentLength)
            case UInt8(ascii: "Q"): _ = take("QUERY_STRING=", into: &found.queryString)
            case UInt8(ascii: "H"): _ = take("HTTP_ACCEPT_LANGUAGE=", into: &found.acceptLanguage)
            default: break
            }
        }
        return found
    }

    /// The value of a `NAME=value` param whose `NAME=` is `prefix`; nil for a param of another name (one that only
    /// begins with it included: the `=` is part of the comparison).
    @inline(__always)
    private static func value(of prefix: StaticString, in entry: UnsafeMutablePointer<CChar>) -> String? {
        let length = prefix.utf8CodeUnitCount
        // strncmp stops at the entry's end, so a shorter param is never read past.
        let name = UnsafeRawPointer(prefix.utf8Start).assumingMemoryBound(to: CChar.self)
        guard strncmp(entry, name, length) == 0 else { return nil }
        let value = entry + length
        return text(
            latin1: UnsafeBufferPointer(
                start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
    }

    /// A param's value decoded as Latin-1, byte for byte, as the reference service's server (Starlette) decodes
    /// header values: a `Content-Type` with a stray 0xA0 byte must be judged as the reference judges it.
    private static func text(latin1 bytes: UnsafeBufferPointer<UInt8>) -> String {
        // ASCII, nearly always: the same text in UTF-8, made without a loop of ours.
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(Unicode.Scalar(byte)) }
        return String(text)
    }

    /// Reads the body to end of input, whatever `CONTENT_LENGTH` says (nginx may send it empty).
    ///
    /// A body over `limit` is read on to its end, up to `drainLimit` bytes in all, and discarded, so that the web
    /// server is not cut off mid-upload and can show the 413.
    func readBody(limit: Int, drainLimit: Int, expectedLength: Int?) -> Body {
        guard isOpen else { return .failed }
        var body: [UInt8] = []
        if let expectedLength, expectedLength <= limit { body.reserveCapacity(expectedLength) }
        let chunkSize = Self.chunkSize
        var total = 0
        var tooLarge = false
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

    /// Puts the response (CGI header block, then body) into the request's output. An answer that fits libfcgi's
    /// buffer stays there; a larger one is kept as it is, to be written whole by `endResponse()`. Either way the web
    /// server does not have all of it, and does not pass it on as complete, before `endResponse()`.
    /// - Returns: false when the web server has gone away (the client aborted), which is not an error of ours.
    func put(head: [UInt8], body: some FastCGIBody) -> Bool {
        guard isOpen else { return false }
        if !lingersOnClose && head.count + body.count > Self.unixWriteWithoutTimeout {
            let timeout = timeval(tv_sec: ioTimeoutSeconds, tv_usec: 0)
            try? Posix.setsockopt(request.pointee.ipcFd, level: SOL_SOCKET, option: SO_SNDTIMEO, value: timeout)
        }
        if head.count + body.count > Self.largestBuffered {
            unbuffered = (head, body)
            return true
        }
        return head.withUnsafeBytes { put($0) } && body.withUnsafeBytes { put($0) }
    }

    /// The largest answer that libfcgi's output buffer (8 KiB) holds with the records around it: the stdout record's
    /// header before it, its padding to eight bytes, the end-of-stdout record and FCGI_END_REQUEST after it. It then
    /// leaves in one write. A larger one would leave a buffer at a time, in writes of 8 KiB, and is written whole
    /// instead (`writeWhole`).
    static let largestBuffered = 8192 - 8 - 8 - 16

    /// An answer too large for libfcgi's buffer, kept by `put` for `endResponse()` to write whole.
    @exclusivity(unchecked) private var unbuffered: (head: [UInt8], body: any FastCGIBody)?

    /// Writes an answer too large for libfcgi's buffer, and the end of the request, in one write: the answer in
    /// stdout records of up to 65,535 bytes, the empty stdout record that ends it and FCGI_END_REQUEST (request
    /// complete, status 0), as libfcgi frames them (without its padding, which the protocol makes optional). The
    /// answer is written from where it is (`writev`), not copied. libfcgi's output is then marked closed, so that it
    /// writes nothing more; its stderr, never written, closes without a write.
    ///
    /// A 10 KiB answer (the default catalogue's for three nodes) went out in two writes, each waking the web server;
    /// in one it costs some 4 µs less system time. A 1 MiB answer went out in 128.
    private func writeWhole(head: [UInt8], body: some FastCGIBody) -> Bool {
        let requestID = UInt16(truncatingIfNeeded: request.pointee.requestId)
        let length = head.count + body.count
        let recordCount = (length + 65_534) / 65_535
        // Each record's header, then the end of stdout and FCGI_END_REQUEST with its body.
        var headers = [UInt8](repeating: 0, count: recordCount * 8 + 24)
        func setHeader(at offset: Int, type: Int32, contentLength: Int) {
            headers[offset] = UInt8(FCGI_VERSION_1)
            headers[offset + 1] = UInt8(type)
            headers[offset + 2] = UInt8(requestID >> 8)
            headers[offset + 3] = UInt8(requestID & 0xFF)
            headers[offset + 4] = UInt8(contentLength >> 8)
            headers[offset + 5] = UInt8(contentLength & 0xFF)
            // No padding; reserved.
        }
        for record in 0..<recordCount {
            setHeader(at: record * 8, type: FCGI_STDOUT, contentLength: min(65_535, length - record * 65_535))
        }
        setHeader(at: recordCount * 8, type: FCGI_STDOUT, contentLength: 0)
        setHeader(at: recordCount * 8 + 8, type: FCGI_END_REQUEST, contentLength: 8)
        // The END_REQUEST body stays zero: application status 0, FCGI_REQUEST_COMPLETE (0), reserved.
        FCGX_FClose(request.pointee.err)
        request.pointee.out.pointee.wasFCloseCalled = 1
        request.pointee.out.pointee.isClosed = 1
        return head.withUnsafeBytes { head in
            body.withUnsafeBytes { body in
                headers.withUnsafeBytes { headers in
                    var vectors: [iovec] = []
                    vectors.reserveCapacity(recordCount * 3 + 1)
                    func add(_ bytes: UnsafeRawBufferPointer) {
                        guard !bytes.isEmpty else { return }
                        vectors.append(
                            iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count))
                    }
                    for record in 0..<recordCount {
                        add(UnsafeRawBufferPointer(rebasing: headers[record * 8..<record * 8 + 8]))
                        // The record's bytes: from the head, then the body.
                        let start = record * 65_535
                        let end = min(start + 65_535, length)
                        if start < head.count {
                            add(UnsafeRawBufferPointer(rebasing: head[start..<min(end, head.count)]))
                        }
                        if end > head.count {
                            add(
                                UnsafeRawBufferPointer(
                                    rebasing: body[max(start, head.count) - head.count..<end - head.count]))
                        }
                    }
                    add(UnsafeRawBufferPointer(rebasing: headers[(recordCount * 8)...]))
                    return vectors.withUnsafeMutableBufferPointer { Self.writeAll(request.pointee.ipcFd, $0) }
                }
            }
        }
    }

    /// The most vectors one `writev` takes (`IOV_MAX`, 1,024 on Linux; not imported into Swift).
    private static let vectorLimit = max(16, sysconf(Int32(_SC_IOV_MAX)))

    /// Writes every byte of `vectors`, `IOV_MAX` vectors at a time, going on after a short write from the first
    /// byte not written (the vectors are changed to say where that is).
    /// - Returns: false when a write fails (the peer went away, or the write timed out).
    private static func writeAll(_ descriptor: Int32, _ vectors: UnsafeMutableBufferPointer<iovec>) -> Bool {
        var first = 0
        while first < vectors.count {
            let batch = UnsafeBufferPointer(rebasing: vectors[first..<min(first + vectorLimit, vectors.count)])
            guard var written = try? Posix.writev(descriptor, batch), written > 0 else { return false }
            while first < vectors.count && written >= vectors[first].iov_len {
                written -= vectors[first].iov_len
                first += 1
            }
            if written > 0 {
                vectors[first].iov_base += written
                vectors[first].iov_len -= written
            }
        }
        return true
    }

    /// The largest answer written to a unix socket without a write timeout: a unix socket holds what its peer has
    /// not read up to its send buffer (`net.core.wmem_default`, 208 KiB on Debian), so an answer well below that is
    /// taken whole whether or not the web server reads; a larger one waits for it to read, for at most
    /// `--io-timeout`. A quarter of this system's buffer (as a new unix socket gets it), at most 64 KiB; 0 (a timeout
    /// on every answer) when it cannot be read.
    static let unixWriteWithoutTimeout: Int = {
        guard let socket = try? Posix.socket(domain: AF_UNIX, type: Int32(SOCK_STREAM.rawValue)) else { return 0 }
        defer { try? Posix.close(socket) }
        guard let buffer = try? Posix.getsockopt(socket, level: SOL_SOCKET, option: SO_SNDBUF) else { return 0 }
        return min(64 << 10, Int(buffer) / 4)
    }()

    /// Ends the request's output: the last of the body (all of an answer too large for libfcgi's buffer), the end of
    /// the stdout stream and FCGI_END_REQUEST go out in one write (stderr, never used, is closed first, so that
    /// stdout is the last writer and carries the end record).
    /// - Returns: false when the web server has gone away (the client aborted), which is not an error of ours.
    func endResponse() -> Bool {
        guard isOpen else { return false }
        if let (head, body) = unbuffered {
            unbuffered = nil
            return writeWhole(head: head, body: body)
        }
        FCGX_FClose(request.pointee.err)
        return FCGX_FClose(request.pointee.out) == 0
    }

    /// `FCGX_PutStr` takes an `Int32` count: large bodies go in slices.
    private func put(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let chars = base.assumingMemoryBound(to: CChar.self)
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, 1 << 20)
            guard FCGX_PutStr(chars + offset, Int32(count), request.pointee.out) == count else { return false }
            offset += count
        }
        return true
    }

    /// Ends the current request and closes its connection.
    func finish() {
        unbuffered = nil
        guard isOpen else { return }
        // `detached` makes libfcgi close at once; only when all input was read, so nothing unread is left behind.
        let inputRead = FCGX_HasSeenEOF(request.pointee.in) != 0
        request.pointee.detached = !lingersOnClose && inputRead ? 1 : 0
        FCGX_Finish_r(request)
        request.pointee.detached = 0
        isOpen = false
    }
}

/// An answer's body as a connection writes it: bytes lent where they are, kept alive until the answer has left.
protocol FastCGIBody: Sendable {
    /// How many bytes there are.
    var count: Int { get }
    /// Calls `body` with the bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
}
