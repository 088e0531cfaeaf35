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
        static func == (lhs: ExactKey, rhs: ExactKey) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }
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
                return members.first(where: { $0.key.utf8.elementsEqual(key.utf8) })?.value
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
            return members.firstIndex(where: { $0.key.utf8.elementsEqual(key.utf8) })
        }
        return index[ExactKey(text: key)]
    }

    /// Small objects (every request member) are cheaper to search than to hash.
    private static let linearSearchLimit = 8

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy {
                $0.key.utf8.elementsEqual($1.key.utf8) && $0.value == $1.value
            }
    }
}
