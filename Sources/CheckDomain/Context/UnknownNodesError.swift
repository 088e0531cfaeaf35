/// Members whose `node_id` is not in the inventory (the reference service crashes with a 500 here).
public struct UnknownNodesError: Error, Sendable {
    /// The indices of those members in the request.
    public var memberIndices: [Int]
    /// The proposal they belong to.
    public var proposal: ClusterProposal

    /// One 422 issue per unknown member, in member order:
    /// `{"type":"node_not_found","loc":["body","members",i,"node_id"],"msg":"node_id: 9 未找到","input":9}`, the
    /// message in English (`node_id: 9 not found`) when the request asked for it.
    public func issues(in language: Language = .chinese) -> [ValidationIssue] {
        memberIndices.map { index in
            let value = proposal.members[index].nodeIDValue
            return ValidationIssue(
                type: "node_not_found",
                location: ["body", "members", .index(index), "node_id"],
                message: language == .english ? "node_id: \(value) not found" : "node_id: \(value) 未找到",
                input: .integer(value)
            )
        }
    }
}
