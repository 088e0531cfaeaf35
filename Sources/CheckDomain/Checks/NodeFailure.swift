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
    /// What the check wanted, e.g. `>= 7.2`.
    public var expected: String?
    /// What the node has, e.g. `7.1`; nil when the fact is unknown.
    public var actual: String?
    /// A command an operator can run to fix it, where one exists: one line, idempotent (running it twice does no
    /// harm), every word that came from facts quoted.
    public var fix: String?
    // The two one-byte fields last, side by side: after the strings the value is 122 bytes, which the compiler moves
    // with a few vector stores. With `level` among the strings it was 129, one past what it moves inline, and each
    // move of a failure (four as an item hands it over) was a call to `memcpy`: 4% of the default catalogue's CPU.

    /// `fail`, or `warn` when the node meets the requirement but not the recommendation.
    public var level: CheckLevel
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
            nodeID: nodeID, messageText: message, expected: expected, actual: actual, fix: fix, level: level,
            fixLocation: fixLocation)
    }
}
