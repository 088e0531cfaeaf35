/// The value most of a cluster's nodes have, for the items that want one value across the cluster (a time zone, a
/// kernel release): the first node's value among those tied, nil when no node's value is known.
enum ClusterMajority {
    /// The majority of `values`, in node order; nil values (unknown facts) do not count.
    static func of(_ values: [String?]) -> String? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for case let value? in values {
            if counts[value] == nil { order.append(value) }
            counts[value, default: 0] += 1
        }
        // `max` keeps the first of equal elements when the comparison says neither is smaller.
        return order.max { counts[$0, default: 0] < counts[$1, default: 0] }
    }
}
