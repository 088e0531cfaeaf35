import CheckDomain
import Logging

/// What `GET /status` reports: the serving processes' counts, as JSON or Prometheus text.
public protocol StatusReport {
    /// The JSON body.
    var json: [UInt8] { get }
    /// The Prometheus text exposition.
    var prometheus: String { get }
}

/// Maps a request to its answer: `POST /` runs the checks (`ProposalCheck`), `GET /checks` lists them, `GET
/// /openapi.json` describes the API, `GET /status` and `GET /ping` report on the service; everything else answers as
/// FastAPI would. All of it runs on the calling thread, which owns the request.
public struct Router: Sendable {
    /// The `POST /` pipeline of the policy in force.
    public let proposals: ProposalCheck
    private let logger: Logger
    /// Reads the scoreboard for `GET /status`; nil when there is none.
    private let status: @Sendable () -> (any StatusReport)?

    /// The policy in force.
    public var policy: Policy { proposals.policy }

    /// Creates the router of a policy.
    public init(policy: Policy, logger: Logger, status: @escaping @Sendable () -> (any StatusReport)? = { nil }) {
        proposals = ProposalCheck(policy: policy)
        self.logger = logger
        self.status = status
    }

    /// The answer to a request.
    /// - Parameters:
    ///   - reader: the calling thread's inventory reader.
    ///   - deadline: when a check run is abandoned and answered 504; nil for never.
    public func respond(
        to request: HTTPRequest, reader: any NodeReader, deadline: ContinuousClock.Instant? = nil
    ) -> HTTPResponse {
        switch request.path {
        case "/":
            guard request.method == "POST" else { return .methodNotAllowed(allow: "POST") }
            return proposals.answer(request, reader: reader, deadline: deadline, logger: logger)
        // The service's own endpoints answer under every policy, compat = "reference" included: they are for
        // operators and load balancers, not for consoles.
        case "/ping":
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return .text(200, "pong")
        case "/status":
            return statusReport(request)
        case "/openapi.json":
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return .json(200, OpenAPIDocument.bytes)
        // Under compat = "reference" /checks does not exist (404), as in the reference service.
        case "/checks" where policy.honoursRequestOptions:
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            let language = Language.preferred(byAcceptLanguage: request.acceptLanguage)
            return .json(200, proposals.registry.catalogueBody(language: language))
        default:
            return .notFound
        }
    }

    /// `GET /status`: the scoreboard as JSON, or `?format=prometheus` as Prometheus text.
    private func statusReport(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
        guard let snapshot = status() else { return .detail(503, "Status unavailable") }
        switch request.queryValues("format").last ?? "json" {
        case "json": return .json(200, snapshot.json)
        case "prometheus":
            return .text(200, snapshot.prometheus, contentType: "text/plain; version=0.0.4; charset=utf-8")
        case let other: return .detail(400, "Unknown status format \"\(other)\"; use json or prometheus")
        }
    }
}
