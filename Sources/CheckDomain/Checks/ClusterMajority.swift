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
        // Until a second value shows, the one value and its count are all there is to keep: a cluster's nodes nearly
        // always agree, and a tally made for them was an allocation (and its release) a request for each such item.
        var values = values.makeIterator()
        var first: String?
        var firstCount = 0
        while let next = values.next() {
            guard let value = next else { continue }
            guard let seen = first else {
                first = value
                firstCount = 1
                continue
            }
            guard value == seen else { return tallied(first: seen, count: firstCount, then: value, rest: &values) }
            firstCount += 1
        }
        return first
    }

    /// The majority of the values seen so far (`first`, `count` times, then `second`) and of `rest`.
    private static func tallied<Rest: IteratorProtocol<String?>>(
        first: String, count: Int, then second: String, rest: inout Rest
    ) -> String? {
        var tally: [(value: String, count: Int)] = [(first, count), (second, 1)]
        var index: [String: Int] = [:]
        while let next = rest.next() {
            guard let value = next else { continue }
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
                if !index.isEmpty { index[value] = tally.count }
                tally.append((value, 1))
            }
        }
        // `max` keeps the first of equal elements when the comparison says neither is smaller.
        return tally.max { $0.count < $1.count }?.value
    }
}
