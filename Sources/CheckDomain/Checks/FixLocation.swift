/// Where a finding's `fix` command runs.
public enum FixLocation: Sendable, Equatable {
    /// On the node itself, as root.
    case node
    /// Where the node inventory is (`fcgi-check nodes collect`), not on the node.
    case inventory
}
