import CheckDomain
import Logging

/// Maps a request to its answer: `POST /` runs the checks, `GET /checks` lists them (`Router+Catalogue.swift`),
/// `GET /openapi.json` describes the API, `GET /status` and `GET /ping` report on the service; everything else
/// answers as FastAPI would.
///
/// Parsing and validation run synchronously on the accept thread (deeply nested bodies need a real thread stack, and
/// most bad requests never need the concurrency runtime); only a valid proposal goes on to the concurrent check run.
struct Router: Sendable {
    /// What a request turned into before any check ran.
    enum Route: Sendable {
        case respond(HTTPResponse)
        case check(CheckJob)
    }

    let clusterCheck: ClusterCheck
    /// The policy in force: which fields answers carry, whether requests may choose items and language.
    let policy: Policy
    let logger: Logger
    /// Reads the scoreboard for `GET /status`.
    var status: @Sendable () -> StatusSnapshot? = { nil }

    /// Routes a request and validates its body.
    func route(_ request: HTTPRequest) -> Route {
        if let answer = describingRoute(request) { return .respond(answer) }
        // The service's own endpoints answer under every policy, compat = "reference" included: they are for
        // operators and load balancers, not for consoles.
        switch request.path {
        case "/": break
        case "/ping": return .respond(ping(request))
        case "/status": return .respond(statusReport(request))
        default: return .respond(.detail(404, "Not Found"))
        }
        guard request.method == "POST" else {
            return .respond(Self.methodNotAllowed(allow: "POST"))
        }
        switch ClusterProposalDecoder.decode(body: request.body, contentType: request.contentType) {
        case .success(let proposal):
            return checkRoute(proposal, request)
        case .failure(.unprocessable(let body)):
            return .respond(.json(422, body))
        case .failure(.unreadable):
            return .respond(.detail(400, "There was an error parsing the body"))
        }
    }

    /// Runs the policy's check items (or those the request chose) on a valid proposal.
    func check(_ job: CheckJob) async -> HTTPResponse {
        do {
            let results = try await clusterCheck.run(job.proposal, selection: job.selection, language: job.language)
            return .json(200, CheckItemResult.responseBody(results, fields: policy.fields))
        } catch let error as UnknownNodesError {
            return .json(422, ValidationIssue.responseBody(error.issues))
        } catch let error as InventoryUnavailableError {
            // Never leak internals to the client; the log has the cause.
            logger.error("node inventory failed", metadata: ["error": "\(error.underlying)"])
            return .detail(503, "Node inventory unavailable")
        } catch {
            logger.error("check run failed", metadata: ["error": "\(error)"])
            return .detail(500, "Internal Server Error")
        }
    }

    /// `GET /ping`: `pong`, for health checks.
    private func ping(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" else { return Self.methodNotAllowed(allow: "GET") }
        return .text(200, "pong")
    }

    /// `GET /status`: the scoreboard as JSON, or `?format=prometheus` as Prometheus text.
    private func statusReport(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" else { return Self.methodNotAllowed(allow: "GET") }
        guard let snapshot = status() else { return .detail(503, "Status unavailable") }
        switch request.queryValues("format").last ?? "json" {
        case "json": return .json(200, snapshot.json)
        case "prometheus":
            return .text(200, snapshot.prometheus, contentType: "text/plain; version=0.0.4; charset=utf-8")
        case let other: return .detail(400, "Unknown status format \"\(other)\"; use json or prometheus")
        }
    }

    /// FastAPI's 405: `{"detail":"Method Not Allowed"}` with the methods the path allows.
    static func methodNotAllowed(allow: String) -> HTTPResponse {
        .detail(405, "Method Not Allowed", headers: [("Allow", allow)])
    }

    /// The answer to a body over the size limit.
    static func tooLarge() -> HTTPResponse { .detail(413, "Request Entity Too Large") }
}
