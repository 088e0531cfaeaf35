import CheckDomain

/// A response: status, headers and body, written to the web server as a CGI header block.
struct HTTPResponse: Sendable, Equatable {
    /// The HTTP status code.
    var status: Int
    /// Headers besides `Status`, `Content-Type` and `Content-Length`.
    var extraHeaders: [(name: String, value: String)] = []
    /// The body: JSON, except for `/ping` and Prometheus metrics.
    var body: [UInt8]
    /// The body's media type.
    var contentType = "application/json"

    static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.contentType == rhs.contentType
            && lhs.extraHeaders.map(\.name) == rhs.extraHeaders.map(\.name)
            && lhs.extraHeaders.map(\.value) == rhs.extraHeaders.map(\.value)
    }

    /// A JSON body, `application/json` as FastAPI sends it.
    static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, extraHeaders: headers, body: body)
    }

    /// A plain-text body (`/ping`, Prometheus metrics).
    static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, body: Array(text.utf8), contentType: contentType)
    }

    /// FastAPI's plain error shape: `{"detail":"…"}`.
    static func detail(_ status: Int, _ message: String, headers: [(name: String, value: String)] = []) -> HTTPResponse
    {
        var writer = PythonJSONWriter(capacity: message.utf8.count + 16)
        writer.raw("{\"detail\":")
        writer.string(message)
        writer.raw("}")
        return json(status, writer.bytes, headers: headers)
    }

    /// The CGI header block that precedes the body on the FastCGI stdout stream.
    var cgiHead: [UInt8] {
        var head = "Status: \(status) \(Self.reasonPhrase(status))\r\nContent-Type: \(contentType)\r\n"
        for header in extraHeaders { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
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
