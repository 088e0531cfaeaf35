import CheckService

/// Reading a whole request out of the connection: its params, then its body to end of input.
extension FastCGIConnection {
    /// A request as read, before it is answered.
    struct IncomingRequest {
        /// The request (its body empty unless the body was read whole).
        var request: HTTPRequest
        /// `REQUEST_URI` as sent, for the access log.
        var uri: String
        /// How the body read ended.
        var body: BodyRead
        /// The bytes of body taken in (the declared length of a body too large to keep).
        var bytesIn: Int
    }

    /// How reading the body ended.
    enum BodyRead {
        case complete
        /// Over `--max-body-size`: answered 413, the body discarded.
        case tooLarge
        /// The peer went away or fell silent: nothing can be answered.
        case failed
    }

    /// Reads the current request: the params the service uses, then the body to end of input, whatever
    /// `CONTENT_LENGTH` says (nginx may send it empty), at most `maximumBodySize` bytes kept.
    func readRequest(maximumBodySize limit: Int) -> IncomingRequest {
        let params = params()
        let uri = params.requestURI ?? params.documentURI ?? "/"
        var request = HTTPRequest(
            method: params.requestMethod ?? "GET", path: HTTPRequest.path(ofRequestURI: uri),
            contentType: params.contentType, query: params.queryString ?? "",
            acceptLanguage: params.acceptLanguage, requestID: params.requestID)
        let expectedLength = params.contentLength.flatMap { Int($0) }
        switch readBody(limit: limit, drainLimit: limit * 16, expectedLength: expectedLength) {
        case .complete(let body):
            request.body = body
            return IncomingRequest(request: request, uri: uri, body: .complete, bytesIn: body.count)
        case .tooLarge:
            return IncomingRequest(request: request, uri: uri, body: .tooLarge, bytesIn: expectedLength ?? limit)
        case .failed:
            return IncomingRequest(request: request, uri: uri, body: .failed, bytesIn: 0)
        }
    }
}
