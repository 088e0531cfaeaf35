import CheckDomain

extension Router {
    /// A valid proposal and how the request wants it checked.
    struct CheckJob: Sendable {
        /// The proposal.
        var proposal: ClusterProposal
        /// The items `?checks=` chose; nil for all of the policy's.
        var selection: CheckRegistry? = nil
        /// The language of the answer.
        var language: Language = .chinese
    }

    /// The answer to `GET /checks` and `GET /openapi.json` (405 for other methods); nil for other paths.
    ///
    /// Under `compat = "reference"` `/checks` does not exist (404), as in the reference service.
    func describingRoute(_ request: HTTPRequest) -> HTTPResponse? {
        switch request.path {
        case "/checks" where policy.honoursRequestOptions:
            guard request.method == "GET" else { return Self.methodNotAllowed(allow: "GET") }
            let language = Language.preferred(byAcceptLanguage: request.acceptLanguage)
            return .json(200, clusterCheck.registry.catalogueBody(language: language))
        case "/openapi.json":
            guard request.method == "GET" else { return Self.methodNotAllowed(allow: "GET") }
            return .json(200, OpenAPIDocument.bytes)
        default:
            return nil
        }
    }

    /// The check run of a valid proposal, with the language of `Accept-Language` and the items of `?checks=`; 422
    /// when `?checks=` names an item the policy does not run. Under `compat = "reference"` both are ignored, as the
    /// reference service ignored them.
    func checkRoute(_ proposal: ClusterProposal, _ request: HTTPRequest) -> Route {
        var job = CheckJob(proposal: proposal)
        guard policy.honoursRequestOptions else { return .check(job) }
        job.language = Language.preferred(byAcceptLanguage: request.acceptLanguage)
        if let names = request.checkNames {
            switch clusterCheck.registry.selecting(names) {
            case .success(let selection): job.selection = selection
            case .failure(let error): return .respond(.json(422, ValidationIssue.responseBody(error.issues)))
            }
        }
        return .check(job)
    }

}
