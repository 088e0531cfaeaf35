/// A node that did not pass a check item, and why.
public struct NodeFailure: Sendable, Equatable {
    /// The node's id.
    public var nodeID: NodeID
    /// The message shown to operators.
    public var message: String
    /// `fail`, or `warn` when the node meets the requirement but not the recommendation.
    public var level: CheckLevel
    /// What the check wanted, e.g. `>= 7.2`.
    public var expected: String?
    /// What the node has, e.g. `7.1`; nil when the fact is unknown.
    public var actual: String?
    /// A command an operator can run on the node to fix it, where one exists.
    public var fix: String?

    /// Creates a failure.
    public init(
        nodeID: NodeID,
        message: String,
        level: CheckLevel = .fail,
        expected: String? = nil,
        actual: String? = nil,
        fix: String? = nil
    ) {
        self.nodeID = nodeID
        self.message = message
        self.level = level
        self.expected = expected
        self.actual = actual
        self.fix = fix
    }
}
