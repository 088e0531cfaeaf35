extension NodeFailure {
    /// A node whose needed fact is unknown: listed as a failure, never passed.
    /// - Parameters:
    ///   - fact: the fact's name, e.g. `UnknownFact("内核版本", "kernel version")`.
    ///   - actual: what was read when it could not be understood (`7.x`), nil when nothing was.
    ///   - fix: what brings the fact in, where something does (collecting it again), and where it runs.
    @inline(__always)
    static func unknown(
        _ node: Node,
        _ fact: UnknownFact,
        expected: String,
        actual: String? = nil,
        fix: String? = nil,
        fixLocation: FixLocation = .node,
        in context: RequestContext
    ) -> NodeFailure {
        unknown(
            node, fact, expected: expected, actual: actual, fix: fix, fixLocation: fixLocation,
            language: context.language)
    }

    /// A node whose needed fact is unknown, its message in `language` (see
    /// `unknown(_:_:expected:actual:fix:fixLocation:in:)`).
    @inline(__always)
    static func unknown(
        _ node: borrowing Node,
        _ fact: borrowing UnknownFact,
        expected: String,
        actual: String? = nil,
        fix: String? = nil,
        fixLocation: FixLocation = .node,
        language: Language
    ) -> NodeFailure {
        NodeFailure(
            nodeID: node.id,
            message: language == .english
                ? "\(node.host)\(fact.englishEnding)" : "\(node.host)\(fact.chineseEnding)",
            level: .fail,
            expected: expected,
            actual: actual,
            fix: fix,
            fixLocation: fixLocation
        )
    }
}
