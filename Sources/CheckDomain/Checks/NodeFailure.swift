/// A node that did not pass a check item, and why.
public struct NodeFailure: Sendable, Equatable {
    /// The node's id.
    public var nodeID: NodeID
    /// The message shown to operators, as the pieces it was written with (see `MessageText`).
    public var messageText: MessageText
    /// The message shown to operators.
    public var message: String {
        get { messageText.string }
        set { messageText = MessageText(newValue) }
    }
    /// `fail`, or `warn` when the node meets the requirement but not the recommendation.
    public var level: CheckLevel
    /// What the check wanted, e.g. `>= 7.2`.
    public var expected: String?
    /// What the node has, e.g. `7.1`; nil when the fact is unknown.
    public var actual: String?
    /// A command an operator can run to fix it, where one exists: one line, idempotent (running it twice does no
    /// harm), every word that came from facts quoted.
    public var fix: String?
    /// Where `fix` runs: on the node (as root), or where the inventory is.
    public var fixLocation: FixLocation
}

extension NodeFailure {
    /// Creates a failure.
    ///
    /// Made by the memberwise initialiser, outside the type's body: an initialiser that assigned the properties one
    /// by one had the compiler build the value in place and then copy it out (every string retained, the original
    /// destroyed), some 320 instructions a failure.
    @inline(__always)
    public init(
        nodeID: NodeID,
        message: MessageText,
        level: CheckLevel = .fail,
        expected: String? = nil,
        actual: String? = nil,
        fix: String? = nil,
        fixLocation: FixLocation = .node
    ) {
        self.init(
            nodeID: nodeID, messageText: message, level: level, expected: expected, actual: actual, fix: fix,
            fixLocation: fixLocation)
    }
}
