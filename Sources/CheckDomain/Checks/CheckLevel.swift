/// How bad a node's finding is: `fail` stops a deployment, `warn` is worth a look but does not.
public enum CheckLevel: String, Sendable, Equatable, CaseIterable {
    /// The node does not meet the requirement, or its fact is unknown.
    case fail
    /// The node meets the requirement but not the recommendation.
    case warn
}
