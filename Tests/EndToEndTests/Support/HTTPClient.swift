import Foundation
import Testing

/// A response as received over the wire.
struct HTTPReply {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A deliberately raw HTTP/1.1 client: it sends exactly the bytes a test builds (odd methods, no Content-Type,
/// chunked bodies, invalid UTF-8) to 127.0.0.1 and reads the answer to the end.
enum HTTPClient {
    /// Sends `request` to 127.0.0.1:`port`, from the loopback address `source` when given (nginx sees a client other
    /// than 127.0.0.1: what its `allow 127.0.0.1` admits and what it refuses can both be tried on one machine).
    static func send(port: UInt16, _ request: [UInt8], from source: String? = nil) throws -> HTTPReply {
        let received = try exchange(port: port, request, from: source).get()
        return try parse(received)
    }

    /// The answer to `request`, or why there was none (records no test issue, for load threads that judge outcomes
    /// themselves and must be able to say what went wrong).
    static func answer(port: UInt16, _ request: [UInt8]) -> Result<HTTPReply, NoAnswer> {
        exchange(port: port, request).flatMap { received in
            parseIfValid(received).map { .success($0) }
                ?? .failure(NoAnswer("\(received.count) bytes, no HTTP response: \(received.prefix(80))"))
        }
    }

    /// Why a request got no HTTP answer: the call that failed and its errno, or what came instead.
    struct NoAnswer: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
        init(_ call: String, errno code: Int32, after received: Int = 0) {
            description = "\(call): \(String(cString: strerror(code))) (errno \(code)) after \(received) bytes"
        }
    }

    private static func exchange(port: UInt16, _ request: [UInt8], from source: String? = nil)
        -> Result<[UInt8], NoAnswer>
    {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failure(NoAnswer("socket", errno: errno)) }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { return .failure(NoAnswer("bind to \(source)", errno: errno)) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return .failure(NoAnswer("connect to 127.0.0.1:\(port)", errno: errno)) }
        var offset = 0
        while offset < request.count {
            let written = request[offset...].withUnsafeBytes {
                // A closed peer is EPIPE, not a SIGPIPE that would end the test run.
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }  // nginx may answer (413) and close before the whole body is sent
            offset += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count < 0 && received.isEmpty { return .failure(NoAnswer("read", errno: errno)) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return .success(received)
    }

    /// A request with `Connection: close`, a `Content-Length` unless `chunked` or `contentLength: nil`.
    static func request(
        _ method: String,
        _ target: String,
        body: [UInt8] = [],
        contentType: String? = "application/json",
        headers: [String] = [],
        contentLength: Bool = true,
        chunked: Bool = false
    ) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        for header in headers { head += header + "\r\n" }
        if chunked {
            head += "Transfer-Encoding: chunked\r\n\r\n"
            var bytes = Array(head.utf8)
            for chunk in stride(from: 0, to: body.count, by: 7) {
                let piece = body[chunk..<min(chunk + 7, body.count)]
                bytes += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
            }
            return bytes + Array("0\r\n\r\n".utf8)
        }
        if contentLength { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    static func post(port: UInt16, _ body: String, contentType: String? = "application/json") throws -> HTTPReply {
        try send(port: port, request("POST", "/", body: Array(body.utf8), contentType: contentType))
    }

    private static func parse(_ bytes: [UInt8]) throws -> HTTPReply {
        try #require(parseIfValid(bytes), "no HTTP response in \(String(decoding: bytes, as: UTF8.self))")
    }

    private static func parseIfValid(_ bytes: [UInt8]) -> HTTPReply? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator })
        else { return nil }
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard let status = statusParts.count > 1 ? Int(statusParts[1]) : nil else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(end + 4)...])
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
            body = Array(body.prefix(length))
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }
}
