/// The body of `POST /`: a proposed cluster, as the reference service's `Param` model holds it.
public struct ClusterProposal: Sendable, Equatable {
    /// The cluster's name.
    public var name: String
    /// The proposed members, in request order.
    public var members: [Member]

    /// Creates a proposal.
    public init(name: String, members: [Member]) {
        self.name = name
        self.members = members
    }

    /// The distinct node ids of the members that can exist in an inventory, in order of first appearance.
    public var distinctNodeIDs: [NodeID] {
        var ids: [NodeID] = []
        ids.reserveCapacity(members.count)
        // A cluster has a handful of members: comparing with those already taken costs less than hashing into a
        // set. Larger ones use the set.
        guard members.count > 16 else {
            for member in members {
                if let id = member.nodeID, !ids.contains(id) { ids.append(id) }
            }
            return ids
        }
        var seen = Set<NodeID>(minimumCapacity: members.count)
        for member in members {
            if let id = member.nodeID, seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }
}

/// One member of a proposed cluster, as the reference service's `Member` model holds it.
public struct Member: Sendable, Equatable {
    /// The node id as validated; Python ints have no size limit, so it may not fit a `NodeID`.
    public var nodeIDValue: BigInteger
    /// The member's name.
    public var name: String
    /// The host the console proposes; messages use the inventory's host instead.
    public var host: String
    /// The port as validated (any integer, as the reference accepts).
    public var port: BigInteger

    /// Creates a member.
    public init(nodeID: BigInteger, name: String, host: String, port: BigInteger) {
        self.nodeIDValue = nodeID
        self.name = name
        self.host = host
        self.port = port
    }

    /// The node id, or nil when it is too large for any inventory to hold.
    public var nodeID: NodeID? { nodeIDValue.int64Value.map(NodeID.init) }
}
