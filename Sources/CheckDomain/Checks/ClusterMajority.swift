/// The value most of a cluster's nodes have, for the items that want one value across the cluster (a time zone, a
/// kernel release, an OS family): the first node's value among those tied, nil when no node's value is known.
enum ClusterMajority {
    /// Past this many distinct values, the tally finds a value through a dictionary instead of comparing it with each.
    static let linearLimit = 8

    /// The majority of `values`, in node order; nil values (unknown facts) do not count.
    ///
    /// A cluster's nodes nearly always share one or two values, so each value is compared with the few already seen
    /// (no hashing, no dictionary); only a cluster with more than `linearLimit` distinct values indexes them, so that a
    /// thousand nodes of a thousand values stay linear.
    static func of<Values: Sequence<String?>>(_ values: Values) -> String? {
        var tally: [(value: String, count: Int)] = []
        var index: [String: Int] = [:]
        for case let value? in values {
            let known: Int?
            if tally.count <= linearLimit {
                known = tally.firstIndex { $0.value == value }
            } else {
                if index.isEmpty {
                    for (position, entry) in tally.enumerated() { index[entry.value] = position }
                }
                known = index[value]
            }
            if let known {
                tally[known].count += 1
            } else {
                if tally.isEmpty { tally.reserveCapacity(2) }
                if !index.isEmpty { index[value] = tally.count }
                tally.append((value, 1))
            }
        }
        // `max` keeps the first of equal elements when the comparison says neither is smaller.
        return tally.max { $0.count < $1.count }?.value
    }
}
