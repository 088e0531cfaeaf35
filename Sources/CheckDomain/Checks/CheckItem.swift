/// One pre-flight check run against the nodes of a proposed cluster.
///
/// A check item reads what it needs through the request's `RequestContext`, which loads each node once per request
/// however many check items ask for it. It writes its messages in the context's language.
public protocol CheckItem: Sendable {
    /// The stable name consoles key on, e.g. `check_os_version`.
    var name: String { get }
    /// The description shown to operators, in Chinese (the reference service's wording).
    var description: String { get }
    /// The description in `language`; the Chinese one unless the item has a translation.
    func description(in language: Language) -> String
    /// The thresholds in force, as the policy file names them.
    var thresholds: [CheckThreshold] { get }
    /// The nodes that did not pass, in the order of the proposal's member nodes.
    /// - Throws: when the nodes cannot be loaded.
    func failures(in context: RequestContext) async throws -> [NodeFailure]
}

extension CheckItem {
    /// The Chinese description, for items without a translation.
    public func description(in language: Language) -> String { description }

    /// No thresholds, for items without any.
    public var thresholds: [CheckThreshold] { [] }
}
