import Foundation
import Testing

/// A minimal FastCGI client (the web server's side of the protocol) over a unix socket, so that tests can do what
/// nginx never does: pause mid-body, hang up before reading, send a body over the app's own limit.
final class FastCGIClient {
    private let descriptor: Int32
    private var isClosed = false
    private static let requestID: UInt16 = 1

    /// Connects to the app's unix socket.
    init(socketPath: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(descriptor >= 0)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = TestEnvironment.withUnixAddress(socketPath) { connect(descriptor, $0, $1) }
        try #require(connected == 0, "cannot connect to \(socketPath): \(String(cString: strerror(errno)))")
    }

    deinit { close() }

    /// Closes the connection; once only. A second close(2) of the same number would close whatever another thread
    /// opened under it since (a load client's socket failed with EBADF that way, and reads saw an early EOF).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Foundation.close(descriptor)
    }

    /// Sends BEGIN_REQUEST and the params of a request.
    func begin(
        method: String = "POST", uri: String = "/", contentType: String? = "application/json", contentLength: Int?
    ) throws {
        try record(type: 1, [0, 1, 0, 0, 0, 0, 0, 0])  // role RESPONDER, no keep-alive
        var params: [(String, String)] = [("REQUEST_METHOD", method), ("REQUEST_URI", uri), ("SCRIPT_NAME", "/")]
        if let contentType { params.append(("CONTENT_TYPE", contentType)) }
        params.append(("CONTENT_LENGTH", contentLength.map(String.init) ?? ""))
        var encoded: [UInt8] = []
        for (name, value) in params {
            encoded +=
                Self.length(name.utf8.count) + Self.length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        try record(type: 4, encoded)
        try record(type: 4, [])
    }

    /// Sends raw bytes, whatever they are (for hostile-input tests).
    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                // A closed peer is EPIPE, not a SIGPIPE that would end the test run.
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return }  // the app may close on garbage; that is its right
            offset += written
        }
    }

    /// Whether the app closed this connection without a word (end of file, nothing read) within `seconds`.
    func closedWithoutAnswer(within seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1) == 0
    }

    /// Whether the app has begun to answer (something is there to read) within `seconds`; reads nothing.
    func answerBegins(within seconds: Int) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, Int32(seconds * 1000)) == 1
    }

    /// Reads whatever comes until the app closes the connection or `seconds` pass.
    func drain(seconds: Int) -> [UInt8] {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return received
    }

    /// A FastCGI record (version 1 unless told otherwise).
    static func record(type: UInt8, requestID: UInt16 = 1, version: UInt8 = 1, _ content: [UInt8]) -> [UInt8] {
        [
            version, type, UInt8(requestID >> 8), UInt8(requestID & 0xFF), UInt8(content.count >> 8),
            UInt8(content.count & 0xFF), 0, 0,
        ]
            + content
    }

    /// A name-value pair as FastCGI params encode it.
    static func pair(_ name: [UInt8], _ value: [UInt8]) -> [UInt8] {
        length(name.count) + length(value.count) + name + value
    }

    /// Sends part of the body.
    func sendBody(_ bytes: [UInt8]) throws {
        for start in stride(from: 0, to: bytes.count, by: 65_535) {
            try record(type: 5, Array(bytes[start..<min(start + 65_535, bytes.count)]))
        }
    }

    /// Ends the body.
    func endBody() throws { try record(type: 5, []) }

    /// Reads stdout records until END_REQUEST; the CGI response (headers and body) as text.
    func readResponse() throws -> String {
        String(decoding: try readRecords().filter { $0.type == 6 }.flatMap(\.content), as: UTF8.self)
    }

    /// Reads records until END_REQUEST (included): each one's type and content, its padding dropped.
    func readRecords() throws -> [(type: UInt8, content: [UInt8])] {
        var records: [(type: UInt8, content: [UInt8])] = []
        while true {
            let header = try readExactly(8)
            let type = header[1]
            let length = Int(header[4]) << 8 | Int(header[5])
            let padding = Int(header[6])
            records.append((type, Array(try readExactly(length + padding).prefix(length))))
            if type == 3 { return records }
        }
    }

    /// A whole request and its response.
    static func exchange(socketPath: String, body: [UInt8], uri: String = "/") throws -> String {
        let client = try FastCGIClient(socketPath: socketPath)
        try client.begin(uri: uri, contentLength: body.count)
        try client.sendBody(body)
        try client.endBody()
        return try client.readResponse()
    }

    static func length(_ count: Int) -> [UInt8] {
        count < 128
            ? [UInt8(count)]
            : [
                UInt8(0x80 | (count >> 24) & 0x7F), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF),
                UInt8(count & 0xFF),
            ]
    }

    private func record(type: UInt8, _ content: [UInt8]) throws {
        let header: [UInt8] = [
            1, type, 0, UInt8(Self.requestID), UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0,
        ]
        let bytes = header + content
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                // A closed peer is EPIPE, not a SIGPIPE that would end the test run.
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            try #require(written > 0, "write to the app failed: \(String(cString: strerror(errno)))")
            offset += written
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = bytes[offset...].withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            try #require(received > 0, "the app closed the connection early")
            offset += received
        }
        return bytes
    }
}
