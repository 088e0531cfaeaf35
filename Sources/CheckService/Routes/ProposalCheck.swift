import CheckDomain
import Foundation
import Logging

/// `POST /`, whole, in one direction: the body's bytes → a validated proposal → a fresh per-request context and the
/// policy's check items → the answer's bytes. The router, `fcgi-check check` and the fuzzer all call this; there is no
/// other copy of it.
public struct ProposalCheck: Sendable {
    /// The policy in force: the items, their settings, the fields answers carry, whether requests may choose.
    public let policy: Policy
    /// The policy's check items, in answer order.
    public let registry: CheckRegistry
    private let clusterCheck: ClusterCheck

    /// Creates the pipeline of a policy.
    public init(policy: Policy) {
        self.policy = policy
        registry = policy.registry()
        clusterCheck = ClusterCheck(registry: registry)
    }

    /// What a request asks for besides its body: the items of `?checks=` and the language of `Accept-Language`.
    /// Under `compat = "reference"` both are ignored, as the reference service ignored them.
    public struct Options: Sendable {
        /// The items to run instead of all; nil for all.
        public var checkNames: [String]?
        /// The language of descriptions and messages.
        public var language: Language

        /// Creates options.
        public init(checkNames: [String]? = nil, language: Language = .chinese) {
            self.checkNames = checkNames
            self.language = language
        }

        /// The options of an HTTP request.
        public init(_ request: HTTPRequest) {
            self.init(
                checkNames: request.checkNames, language: Language.preferred(byAcceptLanguage: request.acceptLanguage))
        }
    }

    /// Why a proposal was not checked, and the answer that says so.
    public enum Refusal: Error {
        /// The body is not JSON, or not text at all (400).
        case unparsable
        /// The body is not a valid proposal: FastAPI's 422 body, every error with its location.
        case invalid([UInt8])
        /// `?checks=` names items the policy does not run (422).
        case unknownChecks(UnknownCheckNamesError)
        /// Members name nodes the inventory does not know (422), in the request's language.
        case unknownNodes(UnknownNodesError, Language)
        /// The inventory failed (503); the error is for the log, never for the client.
        case inventoryUnavailable(any Error)
        /// The request ran past its deadline (504).
        case timedOut

        /// The refusal for what a check run threw.
        init(_ error: any Error, language: Language) {
            switch error {
            case let error as UnknownNodesError: self = .unknownNodes(error, language)
            case is DeadlineExceededError: self = .timedOut
            case let error as InventoryUnavailableError: self = .inventoryUnavailable(error.underlying)
            default: self = .inventoryUnavailable(error)
            }
        }

        /// The answer.
        public var response: HTTPResponse {
            switch self {
            case .unparsable: .unparsableBody
            case .invalid(let body): .json(422, body)
            case .unknownChecks(let error): .json(422, ValidationIssue.responseBody(error.issues))
            case .unknownNodes(let error, let language):
                .json(422, ValidationIssue.responseBody(error.issues(in: language)))
            case .inventoryUnavailable: .inventoryUnavailable
            case .timedOut: .timedOut
            }
        }
    }

    /// Checks a proposal: decodes and validates the body, then runs the chosen items on a fresh context, loading the
    /// members' nodes with one inventory call, and keeps their results as values.
    /// - Parameters:
    ///   - reader: the calling thread's inventory reader.
    ///   - now: the instant facts' age is judged against.
    ///   - deadline: when the run is abandoned (504); nil for never.
    public func check(
        body: [UInt8],
        contentType: String?,
        options: Options = Options(),
        reader: any NodeReader,
        now: Date = Date(),
        deadline: ContinuousClock.Instant? = nil
    ) -> Result<ClusterCheck.Run, Refusal> {
        checking(body: body, contentType: contentType, options: options) { request in
            try clusterCheck.run(
                request.proposal, reader: reader, selection: request.selection, language: request.language, now: now,
                deadline: deadline)
        }
    }

    /// Checks a proposal as `check` does, writing the `200` body as the items find their failures: byte for byte
    /// `responseBody` of `check`'s run (the reference's under `compat = "reference"`), without making the results.
    public func answerBody(
        body: [UInt8],
        contentType: String?,
        options: Options = Options(),
        reader: any NodeReader,
        now: Date = Date(),
        deadline: ContinuousClock.Instant? = nil
    ) -> Result<WrittenBytes, Refusal> {
        checking(body: body, contentType: contentType, options: options) { request in
            try clusterCheck.answer(
                request.proposal, reader: reader, selection: request.selection, language: request.language, now: now,
                deadline: deadline, fields: policy.fields)
        }
    }

    /// The body prepared (`prepare`), then `run` on it; what either refuses, or `run` throws, as a refusal in the
    /// request's language.
    private func checking<Checked>(
        body: [UInt8], contentType: String?, options: Options, _ run: (Request) throws -> Checked
    ) -> Result<Checked, Refusal> {
        prepare(body: body, contentType: contentType, options: options).flatMap { request in
            Result { try run(request) }.mapError { Refusal($0, language: request.language) }
        }
    }

    /// A proposal ready to check: its items and language chosen.
    private struct Request {
        let proposal: ClusterProposal
        /// The items of `?checks=`; nil for the policy's.
        let selection: CheckRegistry?
        let language: Language
    }

    /// Decodes and validates the body, and chooses the items and the language.
    private func prepare(body: [UInt8], contentType: String?, options: Options) -> Result<Request, Refusal> {
        let proposal: ClusterProposal
        switch ClusterProposalDecoder.decode(body: body, contentType: contentType) {
        case .success(let decoded): proposal = decoded
        case .failure(.unprocessable(let answer)): return .failure(.invalid(answer))
        case .failure(.unreadable): return .failure(.unparsable)
        }
        guard policy.honoursRequestOptions else {
            return .success(Request(proposal: proposal, selection: nil, language: .chinese))
        }
        guard let names = options.checkNames else {
            return .success(Request(proposal: proposal, selection: nil, language: options.language))
        }
        switch registry.selecting(names) {
        case .success(let chosen):
            return .success(Request(proposal: proposal, selection: chosen, language: options.language))
        case .failure(let error):
            return .failure(.unknownChecks(error))
        }
    }

    /// The `200` body of a run: byte for byte the reference's under `compat = "reference"`. The run is lent, not
    /// changed: its strings are written from where they are (`CheckItemResult.responseBytes(_:fields:)`).
    public func responseBody(_ run: inout ClusterCheck.Run) -> [UInt8] {
        CheckItemResult.responseBytes(&run.results, fields: policy.fields).array
    }

    /// The answer to `POST /`, written as the items find their failures; a timeout or an inventory failure is logged
    /// with the request's id.
    public func answer(
        _ request: HTTPRequest, reader: any NodeReader, deadline: ContinuousClock.Instant?, logger: Logger
    ) -> HTTPResponse {
        switch answerBody(
            body: request.body, contentType: request.contentType, options: Options(request), reader: reader,
            deadline: deadline)
        {
        case .success(let body): .json(200, body)
        case .failure(let refusal): response(refusing: request, refusal, logger: logger)
        }
    }

    /// The answer to a request that checks a proposal as `POST /` does, its run rendered by `render` (`POST
    /// /fix-script` renders the fix scripts); a refusal is `POST /`'s, and a timeout or an inventory failure is logged
    /// with the request's id.
    public func answer(
        _ request: HTTPRequest, reader: any NodeReader, deadline: ContinuousClock.Instant?, logger: Logger,
        rendering render: (inout ClusterCheck.Run) -> HTTPResponse
    ) -> HTTPResponse {
        switch check(
            body: request.body, contentType: request.contentType, options: Options(request), reader: reader,
            deadline: deadline)
        {
        case .success(var run): render(&run)
        case .failure(let refusal): response(refusing: request, refusal, logger: logger)
        }
    }

    /// The answer refusing `request`; a timeout or an inventory failure is logged with the request's id.
    private func response(refusing request: HTTPRequest, _ refusal: Refusal, logger: Logger) -> HTTPResponse {
        switch refusal {
        case .inventoryUnavailable(let error):
            // Never shown to the client; the log has the cause.
            logger.error(
                "node inventory failed; answered 503",
                metadata: ["error": "\(error)", "request_id": "\(request.requestID ?? "-")"])
        case .timedOut:
            logger.error(
                "check run exceeded the request timeout; answered 504",
                metadata: ["request_id": "\(request.requestID ?? "-")", "bytes_in": "\(request.body.count)"])
        default:
            break
        }
        return refusal.response
    }
}
