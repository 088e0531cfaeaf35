/// One pre-flight check run against the nodes of a proposed cluster.
///
/// A check item reads what it needs through the request's `RequestContext`, which loads each node once per request
/// however many check items ask for it.
public protocol CheckItem: Sendable {
    /// The stable name consoles key on, e.g. `check_os_version`.
    var name: String { get }
    /// The description shown to operators.
    var description: String { get }
    /// The nodes that did not pass, in the order of the proposal's member nodes.
    /// - Throws: when the nodes cannot be loaded.
    func failures(in context: RequestContext) async throws -> [NodeFailure]
}
