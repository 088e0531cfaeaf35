import Foundation

/// A JSON value as Python's `json.loads` produces it.
///
/// Integers keep every digit (Python ints have no size limit), objects keep Python `dict` semantics: keys in order of
/// first appearance, the last value of a duplicated key wins.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(BigInteger)
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object with Python `dict` semantics: insertion-ordered keys, a repeated key replaces the value in place.
///
/// Keys are compared code point by code point, as Python compares them: `"é"` and `"e\u0301"` are two keys, although
/// Swift's `String ==` (canonical equivalence) would call them equal.
public struct JSONObject: Sendable, Equatable {
    /// The members, in order of each key's first appearance.
    public private(set) var members: [(key: String, value: JSONValue)] = []
    private var index: [ExactKey: Int] = [:]

    /// A string that hashes and compares by its UTF-8 bytes.
    private struct ExactKey: Hashable {
        let text: String
        static func == (lhs: ExactKey, rhs: ExactKey) -> Bool { JSONObject.sameBytes(lhs.text, rhs.text) }
        func hash(into hasher: inout Hasher) {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    /// Creates an empty object.
    public init() {}

    /// Creates an object from key–value pairs; a repeated key keeps its first position and takes the last value.
    public init(_ pairs: [(String, JSONValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    /// The value stored under `key`; setting a value for an existing key keeps its position.
    public subscript(key: String) -> JSONValue? {
        get {
            if members.count <= Self.linearSearchLimit {
                for member in members where Self.sameBytes(member.key, key) { return member.value }
                return nil
            }
            return index[ExactKey(text: key)].map { members[$0].value }
        }
        set {
            guard let newValue else { return }
            if let position = position(of: key) {
                members[position].value = newValue
            } else {
                members.append((key, newValue))
                if members.count > Self.linearSearchLimit {
                    if index.isEmpty {
                        for (offset, member) in members.enumerated() { index[ExactKey(text: member.key)] = offset }
                    } else {
                        index[ExactKey(text: key)] = members.count - 1
                    }
                }
            }
        }
    }

    private func position(of key: String) -> Int? {
        if members.count <= Self.linearSearchLimit {
            return members.firstIndex(where: { Self.sameBytes($0.key, key) })
        }
        return index[ExactKey(text: key)]
    }

    /// Whether two strings hold the same UTF-8 bytes (`==` would equate canonically equivalent ones, which JSON keys
    /// are not). Compared in place: the generic `elementsEqual` on two UTF-8 views cost a request of 1,000 members
    /// 5% of its time.
    @inline(__always)
    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        let equal = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                left.count == right.count
                    && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
        return (equal ?? nil) ?? lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// Small objects (every request member) are cheaper to search than to hash.
    private static let linearSearchLimit = 8

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy {
                sameBytes($0.key, $1.key) && $0.value == $1.value
            }
    }
}
