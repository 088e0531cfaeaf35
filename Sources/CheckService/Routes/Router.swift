import CheckDomain
import Foundation
import Logging

/// What `GET /status` reports: the serving processes' counts, as JSON or Prometheus text.
public protocol StatusReport {
    /// The JSON body.
    var json: [UInt8] { get }
    /// The Prometheus text exposition.
    var prometheus: String { get }
}

/// Maps a request to its answer: `POST /` runs the checks (`ProposalCheck`), `GET /checks` lists them, `GET
/// /openapi.json` describes the API, `GET /status` and `GET /ping` report on the service, `GET /nodes` lists the
/// inventory, `POST /fix-script` gives a proposal's fix scripts, `GET /docs` and `GET /ui` are pages for a browser
/// (with their files under `/assets/`); everything else answers as FastAPI would. All of it runs on the calling
/// thread, which owns the request.
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
        // The reference served an API page at /docs (and /redoc): so do we, under every policy.
        case "/docs":
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return Page.docs.response(in: Page.language(of: request), withUILink: policy.honoursRequestOptions)
        case "/redoc":
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return .temporaryRedirect(to: "/docs")
        // Under compat = "reference" /checks does not exist (404), as in the reference service; nor do the check page
        // and what only it uses, which show the added fields that policy leaves out.
        case "/checks" where policy.honoursRequestOptions:
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            let language = Language.preferred(byAcceptLanguage: request.acceptLanguage)
            return .json(200, proposals.registry.catalogueBody(language: language))
        case "/ui" where policy.honoursRequestOptions:
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return Page.ui.response(in: Page.language(of: request))
        case "/nodes" where policy.honoursRequestOptions:
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return nodeList(request, reader: reader, deadline: deadline)
        case "/fix-script" where policy.honoursRequestOptions:
            guard request.method == "POST" else { return .methodNotAllowed(allow: "POST") }
            return proposals.answer(request, reader: reader, deadline: deadline, logger: logger) { run in
                HTTPResponse(
                    status: 200,
                    extraHeaders: [("Content-Disposition", "attachment; filename=\"fcgi-check-fix-scripts.sh\"")],
                    body: Array(FixScript(results: run.results, nodes: run.nodes).render().utf8),
                    contentType: "text/x-shellscript; charset=utf-8")
            }
        default:
            guard let asset = PageAsset.all[request.path] else { return .notFound }
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return asset.response
        }
    }

    /// `GET /nodes`: every node's summary, one listing of the calling thread's reader.
    private func nodeList(_ request: HTTPRequest, reader: any NodeReader, deadline: ContinuousClock.Instant?)
        -> HTTPResponse
    {
        do {
            return .json(200, NodeSummary.responseBody(try reader.nodeSummaries(deadline: deadline), now: Date()))
        } catch is DeadlineExceededError {
            logger.error(
                "listing the nodes exceeded the request timeout; answered 504",
                metadata: ["request_id": "\(request.requestID ?? "-")"])
            return .timedOut
        } catch {
            // Never shown to the client; the log has the cause.
            logger.error(
                "node inventory failed; answered 503",
                metadata: ["error": "\(error)", "request_id": "\(request.requestID ?? "-")"])
            return .inventoryUnavailable
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
