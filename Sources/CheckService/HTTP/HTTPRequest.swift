/// What the service needs of one request, copied out of the web server's request before it is finished.
public struct HTTPRequest: Sendable {
    /// `REQUEST_METHOD`.
    public var method: String
    /// The path of `REQUEST_URI`, undecoded, without the query string.
    public var path: String
    /// `CONTENT_TYPE`, when the client sent one.
    public var contentType: String?
    /// The body, read to end of input.
    public var body: [UInt8]
    /// `QUERY_STRING`, undecoded (`checks=check_os_version,check_swap`).
    public var query: String
    /// The `Accept-Language` header (`HTTP_ACCEPT_LANGUAGE`), when the client sent one.
    public var acceptLanguage: String?
    /// The web server's id of the request (`REQUEST_ID`), for logs.
    public var requestID: String?

    /// Creates a request.
    public init(
        method: String, path: String, contentType: String? = nil, body: [UInt8] = [], query: String = "",
        acceptLanguage: String? = nil, requestID: String? = nil
    ) {
        self.method = method
        self.path = path
        self.contentType = contentType
        self.body = body
        self.query = query
        self.acceptLanguage = acceptLanguage
        self.requestID = requestID
    }

    /// Splits a request URI into its path (the query string is ignored, as by the reference service).
    public static func path(ofRequestURI uri: String) -> String {
        // Found by a byte search: a split made an array of the parts for each request.
        let end = uri.utf8.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex
        if end == uri.startIndex { return "/" }
        return end == uri.endIndex ? uri : String(uri[..<end])
    }
}
