/// What the app needs of one request, copied out of libfcgi before the request is finished.
struct HTTPRequest: Sendable {
    /// `REQUEST_METHOD`.
    var method: String
    /// The path of `REQUEST_URI`, undecoded, without the query string.
    var path: String
    /// `CONTENT_TYPE`, when the client sent one.
    var contentType: String?
    /// The body, read to end of input.
    var body: [UInt8]
    /// `QUERY_STRING`, undecoded (`checks=check_os_version,check_swap`).
    var query: String = ""
    /// The `Accept-Language` header (`HTTP_ACCEPT_LANGUAGE`), when the client sent one.
    var acceptLanguage: String? = nil

    /// Splits a request URI into its path (the query string is ignored, as by the reference service).
    static func path(ofRequestURI uri: String) -> String {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return path.isEmpty ? "/" : String(path)
    }
}
