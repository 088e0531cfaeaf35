import Testing

@testable import CheckDomain

/// `ClusterMajority`: the most common known value, the first node's among those tied, whether the tally compares
/// values one by one (a few distinct) or indexes them (many).
@Suite struct ClusterMajorityTests {
    /// The rule said plainly: count each value, then take the first in node order of those counted most.
    func plainMajority(_ values: [String?]) -> String? {
        let known = values.compactMap { $0 }
        let counts = Dictionary(known.map { ($0, 1) }, uniquingKeysWith: +)
        guard let most = counts.values.max() else { return nil }
        return known.first { counts[$0] == most }
    }

    @Test func examples() {
        #expect(ClusterMajority.of([]) == nil)
        #expect(ClusterMajority.of([nil, nil]) == nil)
        #expect(ClusterMajority.of([nil, "a"]) == "a")
        #expect(ClusterMajority.of(["b", "a", "a", "b"]) == "b", "a tie goes to the first node's value")
        #expect(ClusterMajority.of(["b", "a", nil, "a"]) == "a")
        #expect(ClusterMajority.of([nil, "a", "a", nil, "a"]) == "a", "one value, counted without a tally")
        #expect(ClusterMajority.of(["a", "a", "b", "b", "b"]) == "b", "a later value overtakes the first run")
        #expect(ClusterMajority.of(["a", "a", "b", "b"]) == "a")
    }

    @Test(arguments: [1, 2, 5, ClusterMajority.linearLimit + 1, 40, 1000])
    func agreesWithThePlainRuleOnRandomClusters(distinct: Int) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 0...120, using: &generator)
            let values: [String?] = (0..<count).map { _ in
                Int.random(in: 0..<8, using: &generator) == 0
                    ? nil : "value-\(Int.random(in: 0..<distinct, using: &generator))"
            }
            #expect(ClusterMajority.of(values) == plainMajority(values), "\(values)")
        }
    }
}
