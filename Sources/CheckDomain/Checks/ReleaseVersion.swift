/// Reads versions leniently: `V10` (Kylin) is 10, `3.10.0-1160.el7.x86_64` is 3.10.0, `5.15.0-91-generic` is
/// 5.15.0.
enum ReleaseVersion {
    /// The dotted version at the start of `text`, after an optional `V`/`v`; nil when there is none.
    static func leading(_ text: String) -> DottedVersion? {
        let rest = withoutLetterPrefix(text)
        var numeric = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        while numeric.hasSuffix(".") { numeric.removeLast() }
        return DottedVersion(text, parsing: numeric)
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
