/// Reads versions leniently: `V10` (Kylin) is 10, `3.10.0-1160.el7.x86_64` is 3.10.0, `5.15.0-91-generic` is
/// 5.15.0, `7.9 (Core)` is 7.9; and compares them as release numbers, where `8` is `8.0`.
enum ReleaseVersion {
    /// The dotted version at the start of `text`, after an optional `V`/`v`, ending the text or followed by a
    /// separator (`-`, `_`, `+`, a space, ...); nil when there is none. A version run into letters (`8.x`, `10abc`) is
    /// not read as its digits: it is unreadable, so the node is listed as unknown rather than judged on half of it.
    static func leading(_ text: String) -> DottedVersion? {
        let rest = withoutLetterPrefix(text)
        var numeric = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        if let next = rest.dropFirst(numeric.count).first, next.isLetter { return nil }
        while numeric.hasSuffix(".") { numeric.removeLast() }
        return DottedVersion(text, parsing: numeric)
    }

    /// Whether `version` is below `minimum` as release numbers compare: missing parts count as zeros (`8` is `8.0`,
    /// `3.10` is `3.10.0`). The reference's own check compares as Python lists instead (`7.2 < 7.2.0`).
    static func isBelow(_ version: DottedVersion, _ minimum: DottedVersion) -> Bool {
        let count = max(version.parts.count, minimum.parts.count)
        let padded = { (parts: [Int]) in parts + Array(repeating: 0, count: count - parts.count) }
        return padded(version.parts).lexicographicallyPrecedes(padded(minimum.parts))
    }

    /// The whole of `text` as a version, with an optional `V`/`v` before it (`7.2`, `18.04`, `V10`); nil otherwise.
    static func exact(_ text: String) -> DottedVersion? {
        DottedVersion(text, parsing: withoutLetterPrefix(text))
    }

    private static func withoutLetterPrefix(_ text: String) -> Substring {
        let rest = Substring(text)
        if let first = rest.first, first == "V" || first == "v" { return rest.dropFirst() }
        return rest
    }
}
