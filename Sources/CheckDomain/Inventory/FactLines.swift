import Foundation

/// The stored text of a list fact (`FactColumns.text(_:)`'s form: one entry per line, its fields separated by tabs,
/// with `\`, tab, newline and carriage return escaped), read in place: each entry is handed to the fact's decoder as a
/// `Line` whose fields become strings only when they are read.
///
/// A request reads the list facts of every member node (mounts, sockets, kernel settings, one governor per CPU), so
/// this is on its path. Splitting the text into an array of lines, each an array of strings, cost more than the rest
/// of a request on collected nodes: an allocation per line and a copy per field, some 70,000 instructions a node.
///
/// Escapes and separators are ASCII, so bytes split exactly where characters do (a raw carriage return never occurs:
/// `text(_:)` escapes it), and no escape holds a raw tab or newline: every raw one is a separator.
struct FactLines: Sequence {
    /// The text's UTF-8 bytes.
    let bytes: UnsafeBufferPointer<UInt8>

    /// The number of entries: none for empty text, else one more than its newlines.
    var count: Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        // Eight bytes at a time: a byte of `word ^ newlines` is zero where a newline was, and the expression below
        // sets exactly the top bit of each zero byte (no carry crosses bytes, since each addend's byte is below 0x80).
        let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var count = 0
        var offset = 0
        while bytes.count - offset >= 8 {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self) ^ newlines
            count += (~(((word & low7) &+ low7) | word | low7)).nonzeroBitCount
            offset += 8
        }
        while offset < bytes.count {
            if base[offset] == 0x0A { count += 1 }
            offset += 1
        }
        return count + 1
    }

    /// The entries, in order.
    func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    /// The values `transform` makes of the entries, in order, leaving out those it refuses (nil): `compactMap` with
    /// the room made first.
    func values<Value>(_ transform: (Line) -> Value?) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(count)
        for line in self {
            if let value = transform(line) { values.append(value) }
        }
        return values
    }

    /// Each entry as one string (its fields joined without a separator, as a list of single words is stored).
    ///
    /// An entry equal to the one before it shares that entry's string: a node's governors are one per CPU and
    /// nearly always alike, and so are read once however many CPUs it has.
    func strings() -> [String] {
        var strings: [String] = []
        strings.reserveCapacity(count)
        var previous = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        for line in self {
            if let last = strings.last, Self.same(line.bytes, previous) {
                strings.append(last)
            } else {
                strings.append(line.joined)
            }
            previous = line.bytes
        }
        return strings
    }

    /// Whether two runs of bytes are equal.
    private static func same(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }  // both empty
        return memcmp(left, right, lhs.count) == 0
    }

    /// The entries, one after another.
    struct Iterator: IteratorProtocol {
        private let bytes: UnsafeBufferPointer<UInt8>
        /// Where the next entry starts; past the end once the last has been read.
        private var start = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            if bytes.isEmpty { start = 1 }  // empty text has no entries
        }

        mutating func next() -> Line? {
            guard start <= bytes.count, let base = bytes.baseAddress else { return nil }
            var end = start
            while end < bytes.count && base[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            return Line(bytes: UnsafeBufferPointer(start: base + start, count: end - start))
        }
    }

    /// One entry: its bytes, without the newline.
    struct Line {
        let bytes: UnsafeBufferPointer<UInt8>

        /// The number of fields: one more than its tabs.
        var fieldCount: Int {
            var tabs = 0
            for byte in bytes where byte == 0x09 { tabs += 1 }
            return tabs + 1
        }

        /// The fields, read one after another.
        var fields: Fields { Fields(bytes: bytes) }

        /// The fields joined without a separator.
        var joined: String {
            var hasSeparatorOrEscape = false
            for byte in bytes where byte == 0x09 || byte == UInt8(ascii: "\\") {
                hasSeparatorOrEscape = true
                break
            }
            guard hasSeparatorOrEscape else { return String(decoding: bytes, as: UTF8.self) }
            var joined = ""
            var fields = self.fields
            while let field = fields.next() { joined += field }
            return joined
        }
    }

    /// The fields of a line, each a string when it is read.
    struct Fields: IteratorProtocol {
        private let bytes: UnsafeBufferPointer<UInt8>
        /// Where the next field starts; past the end once the last has been read.
        private var start = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The next field, unescaped; nil after the last.
        mutating func next() -> String? {
            guard start <= bytes.count else { return nil }
            guard let base = bytes.baseAddress else {
                start = 1
                return ""  // an empty line has one empty field
            }
            var end = start
            var escaped = false
            while end < bytes.count && base[end] != 0x09 {
                if base[end] == UInt8(ascii: "\\") { escaped = true }
                end += 1
            }
            let field = UnsafeBufferPointer(start: base + start, count: end - start)
            start = end + 1
            return escaped ? Self.unescape(field) : String(decoding: field, as: UTF8.self)
        }

        /// A field with escapes: `\t`, `\n`, `\r` are a tab, a newline, a carriage return; a backslash before
        /// anything else stands for that byte.
        ///
        /// Invalid UTF-8 is repaired first, as it is when the whole text became a `String` before it was split: a
        /// backslash between two bytes must not join them into a character (`C3 5C B8` is two replacement characters,
        /// never `ø`). Only a field with a byte past ASCII pays for it.
        private static func unescape(_ field: UnsafeBufferPointer<UInt8>) -> String {
            guard field.contains(where: { $0 >= 0x80 }) else { return unescapeValid(field) }
            var repaired = String(decoding: field, as: UTF8.self)
            return repaired.withUTF8 { unescapeValid($0) }
        }

        /// `unescape` of a field whose bytes are valid UTF-8, or which `String` repairs alike with or without escapes.
        private static func unescapeValid(_ field: UnsafeBufferPointer<UInt8>) -> String {
            String(unsafeUninitializedCapacity: field.count) { target in
                var count = 0
                var escaping = false
                for byte in field {
                    if escaping {
                        switch byte {
                        case UInt8(ascii: "t"): target[count] = 0x09
                        case UInt8(ascii: "n"): target[count] = 0x0A
                        case UInt8(ascii: "r"): target[count] = 0x0D
                        default: target[count] = byte
                        }
                        count += 1
                        escaping = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaping = true
                    } else {
                        target[count] = byte
                        count += 1
                    }
                }
                return count
            }
        }
    }
}
