import CheckDomain
import Logging

/// Maps a request to its answer: `POST /` runs the checks, `GET /checks` lists them (`Router+Catalogue.swift`),
/// `GET /openapi.json` describes the API; everything else answers as FastAPI would.
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

    /// Routes a request and validates its body.
    func route(_ request: HTTPRequest) -> Route {
        if let answer = describingRoute(request) { return .respond(answer) }
        guard request.path == "/" else { return .respond(.detail(404, "Not Found")) }
        guard request.method == "POST" else {
            return .respond(.detail(405, "Method Not Allowed", headers: [("Allow", "POST")]))
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

    /// The answer to a body over the size limit.
    static func tooLarge() -> HTTPResponse { .detail(413, "Request Entity Too Large") }
}
