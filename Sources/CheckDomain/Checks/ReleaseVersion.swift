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
        // Read from the text's own UTF-8, which a native or small string holds in one piece (any other is copied
        // once): stepping through `String.UTF8View` indices was some 600 instructions a node.
        if let below = text.utf8.withContiguousStorageIfAvailable({ isBelow(text, utf8: $0, minimum) }) {
            return below
        }
        var contiguous = text
        return contiguous.withUTF8 { isBelow(text, utf8: $0, minimum) }
    }

    /// `isBelow(_:_:)` on `bytes`, the UTF-8 of `text`.
    private static func isBelow(_ text: String, utf8 bytes: UnsafeBufferPointer<UInt8>, _ minimum: DottedVersion)
        -> Bool?
    {
        guard let numeric = leadingNumeric(text, utf8: bytes) else { return nil }
        var index = 0
        // Settled by the first part that differs from the minimum's (missing parts of either are 0).
        var below: Bool?
        let isVersion = DottedVersion.readParts(of: UnsafeBufferPointer(rebasing: bytes[numeric])) { part in
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

    /// Where in `bytes` (the UTF-8 of `text`) are the digits and dots a version is read from (trailing dots dropped);
    /// nil when a letter follows them. Read as bytes: only a non-ASCII byte after the digits is looked at as a
    /// character (is it a letter?).
    private static func leadingNumeric(_ text: String, utf8 bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var start = 0
        if start < bytes.count, bytes[start] == UInt8(ascii: "V") || bytes[start] == UInt8(ascii: "v") {
            start += 1
        }
        var end = start
        // Where the digits end, less any dots after the last digit.
        var numericEnd = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: ".") {
                end += 1
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                end += 1
                numericEnd = end
            } else {
                break
            }
        }
        if end < bytes.count {
            let next = bytes[end]
            // An ASCII letter, or any other letter (judged as a character only then, which is rare).
            if next < 0x80 {
                if (0x41...0x5A).contains(next) || (0x61...0x7A).contains(next) { return nil }
            } else if text[text.utf8.index(text.utf8.startIndex, offsetBy: end)...].first?.isLetter == true {
                return nil
            }
        }
        return start..<numericEnd
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
