import CheckDomain

/// A response: status, headers and body, written to the web server as a CGI header block.
public struct HTTPResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// Headers besides `Status`, `Content-Type` and `Content-Length`.
    public var extraHeaders: [(name: String, value: String)]
    /// The body: JSON, except for `/ping`, Prometheus metrics, the pages and their files, and fix scripts. (An
    /// answer's bytes as the writer left them are copied into an array when read here; `content` lends them.)
    public var body: [UInt8] {
        get {
            switch content {
            case .bytes(let bytes): bytes
            case .written(let written): written.array
            }
        }
        set { content = .bytes(newValue) }
    }
    /// The body's media type.
    public var contentType: String
    /// The body's bytes, where they are.
    public private(set) var content: Content

    /// Where a body's bytes are.
    public enum Content: Sendable {
        /// In an array.
        case bytes([UInt8])
        /// Where a writer wrote them (a check run's answer): written out from there, never copied.
        case written(WrittenBytes)

        /// How many bytes there are.
        public var count: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .written(let written): written.count
            }
        }

        /// Calls `body` with the bytes, where they are.
        public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
            switch self {
            case .bytes(let bytes): try bytes.withUnsafeBytes(body)
            case .written(let written): try written.withUnsafeBytes(body)
            }
        }
    }

    /// The body's length in bytes.
    public var bodyCount: Int { content.count }

    /// Creates a response.
    public init(
        status: Int, extraHeaders: [(name: String, value: String)] = [], body: [UInt8],
        contentType: String = "application/json"
    ) {
        self.init(status: status, extraHeaders: extraHeaders, content: .bytes(body), contentType: contentType)
    }

    private init(
        status: Int, extraHeaders: [(name: String, value: String)], content: Content, contentType: String
    ) {
        self.status = status
        self.extraHeaders = extraHeaders
        self.content = content
        self.contentType = contentType
    }

    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.contentType == rhs.contentType
            && lhs.extraHeaders.map(\.name) == rhs.extraHeaders.map(\.name)
            && lhs.extraHeaders.map(\.value) == rhs.extraHeaders.map(\.value)
    }

    /// A JSON body, `application/json` as FastAPI sends it.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        HTTPResponse(status: status, extraHeaders: headers, body: body)
    }

    /// A JSON body as its writer left it (see `WrittenBytes`).
    public static func json(_ status: Int, _ body: WrittenBytes) -> HTTPResponse {
        HTTPResponse(status: status, extraHeaders: [], content: .written(body), contentType: "application/json")
    }

    /// A plain-text body (`/ping`, Prometheus metrics).
    public static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8")
        -> HTTPResponse
    {
        HTTPResponse(status: status, body: Array(text.utf8), contentType: contentType)
    }

    /// FastAPI's plain error shape: `{"detail":"…"}`.
    public static func detail(_ status: Int, _ message: String, headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        var writer = PythonJSONWriter(capacity: message.utf8.count + 16)
        writer.raw("{\"detail\":")
        writer.string(message)
        writer.raw("}")
        return json(status, writer.bytes, headers: headers)
    }

    /// The CGI header block that precedes the body on the FastCGI stdout stream, written into `head`.
    public func writeCGIHead(into head: inout [UInt8]) {
        head.append(contentsOf: "Status: ".utf8)
        head.appendDecimal(Int64(status))
        head.append(0x20)
        head.append(contentsOf: Self.reasonPhrase(status).utf8)
        head.append(contentsOf: "\r\nContent-Type: ".utf8)
        head.append(contentsOf: contentType.utf8)
        for header in extraHeaders {
            head.append(contentsOf: "\r\n".utf8)
            head.append(contentsOf: header.name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: header.value.utf8)
        }
        head.append(contentsOf: "\r\nContent-Length: ".utf8)
        head.appendDecimal(Int64(bodyCount))
        head.append(contentsOf: "\r\n\r\n".utf8)
    }

    /// The CGI header block.
    public var cgiHead: [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(96)
        // The head of nearly every answer (200, JSON, no other header) up to its length, made once: appending each
        // piece as text cost some 1,500 instructions a request.
        if status == 200 && extraHeaders.isEmpty && contentType == "application/json" {
            head.append(contentsOf: Self.jsonHeadUpToLength.bytes)
            head.appendDecimal(Int64(bodyCount))
            head.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
            return head
        }
        writeCGIHead(into: &head)
        return head
    }

    /// `Status: 200 OK`, the JSON content type and `Content-Length: `, as `writeCGIHead` writes them: in memory
    /// that is never freed, read without counting references (an array here was retained and released by every
    /// answer, memory every accept thread shares).
    private static let jsonHeadUpToLength: ImmortalBytes = {
        var head: [UInt8] = []
        HTTPResponse.json(200, []).writeCGIHead(into: &head)
        // Up to the length's digits (the empty body's "0") and the blank line after them.
        return ImmortalBytes(head.dropLast("0\r\n\r\n".utf8.count))
    }()

    /// The reason phrase of the statuses the service answers.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Request Entity Too Large"
        case 422: "Unprocessable Entity"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}

/// The error answers, each defined once: every route and every caller of the pipeline answers with these.
extension HTTPResponse {
    /// 400: a body that is not JSON (FastAPI's words).
    public static let unparsableBody = detail(400, "There was an error parsing the body")
    /// 404.
    public static let notFound = detail(404, "Not Found")
    /// 413: a body over `--max-body-size`.
    public static let tooLarge = detail(413, "Request Entity Too Large")
    /// 500: a failure of ours; the log has the cause.
    public static let internalError = detail(500, "Internal Server Error")
    /// 503: the node inventory cannot be read; the log has the cause.
    public static let inventoryUnavailable = detail(503, "Node inventory unavailable")
    /// 504: the request ran past `--request-timeout`.
    public static let timedOut = detail(504, "Gateway Timeout")

    /// 405 with the methods the path allows (FastAPI's `{"detail":"Method Not Allowed"}`).
    public static func methodNotAllowed(allow: String) -> HTTPResponse {
        detail(405, "Method Not Allowed", headers: [("Allow", allow)])
    }

    /// 307 to another path of this service (`/redoc` → `/docs`), with a JSON body for a client that shows it.
    public static func temporaryRedirect(to location: String) -> HTTPResponse {
        detail(307, "Temporary Redirect", headers: [("Location", location)])
    }
}
