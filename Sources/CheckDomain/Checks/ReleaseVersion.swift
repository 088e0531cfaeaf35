/// Reads versions leniently: `V10` (Kylin) is 10, `3.10.0-1160.el7.x86_64` is 3.10.0, `5.15.0-91-generic` is
/// 5.15.0, `7.9 (Core)` is 7.9; and compares them as release numbers, where `8` is `8.0`.
enum ReleaseVersion {
    /// Whether the dotted version at the start of `text`, after an optional `V`/`v`, ending the text or followed by a
    /// separator (`-`, `_`, `+`, a space, ...), is below `minimum` as release numbers compare: missing parts count as
    /// zeros (`8` is `8.0`, `3.10` is `3.10.0`; the reference's own check compares as Python lists instead, `7.2 <
    /// 7.2.0`). nil when `text` holds no version: a version run into letters (`8.x`, `10abc`) is not read as its
    /// digits, so the node is listed as unknown rather than judged on half of it. Read as it is compared, without
    /// making the version's array of parts: one allocation less per node in each item that judges a version.
    static func isBelow(_ text: String, _ minimum: DottedVersion) -> Bool? {
        guard let numeric = leadingNumeric(text) else { return nil }
        var index = 0
        // Settled by the first part that differs from the minimum's (missing parts of either are 0).
        var below: Bool?
        let isVersion = DottedVersion.readParts(of: numeric.utf8) { part in
            if below == nil {
                let floor = index < minimum.parts.count ? minimum.parts[index] : 0
                if part != floor { below = part < floor }
            }
            index += 1
        }
        guard isVersion else { return nil }
        if let below { return below }
        // Equal as far as the text goes: below when a part the minimum has beyond it is not 0 (`7 < 7.2`, `7 = 7.0`).
        return minimum.parts.dropFirst(index).contains { $0 != 0 }
    }

    /// The digits and dots a version is read from (trailing dots dropped); nil when a letter follows them.
    /// Read as bytes: only a non-ASCII byte after the digits is looked at as a character (is it a letter?).
    private static func leadingNumeric(_ text: String) -> Substring? {
        let bytes = text.utf8
        var start = bytes.startIndex
        if start < bytes.endIndex, bytes[start] == UInt8(ascii: "V") || bytes[start] == UInt8(ascii: "v") {
            start = bytes.index(after: start)
        }
        var end = start
        // Where the digits end, less any dots after the last digit.
        var numericEnd = start
        while end < bytes.endIndex {
            let byte = bytes[end]
            if byte == UInt8(ascii: ".") {
                end = bytes.index(after: end)
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                end = bytes.index(after: end)
                numericEnd = end
            } else {
                break
            }
        }
        if end < bytes.endIndex {
            let next = bytes[end]
            // An ASCII letter, or any other letter (judged as a character only then, which is rare).
            if next < 0x80 {
                if (0x41...0x5A).contains(next) || (0x61...0x7A).contains(next) { return nil }
            } else if text[end...].first?.isLetter == true {
                return nil
            }
        }
        return text[start..<numericEnd]
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
