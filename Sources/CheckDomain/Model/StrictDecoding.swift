import Foundation

/// A coding key for any name, to see every key an object holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Refuses an object holding a key `Keys` does not name: a misspelt fact (`cpu_cnt`) must not be stored as if
    /// every fact were unknown.
    /// - Throws: `DecodingError.dataCorrupted` at the unknown key's path, described as `unknown key`.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: DecodingError.unknownKeyDescription))
        }
    }
}

extension DecodingError {
    /// The description of the error `rejectUnknownKeys` throws.
    public static let unknownKeyDescription = "unknown key"
}

extension KeyedDecodingContainer {
    /// An ISO 8601 time (`2026-11-01T00:00:00Z`, as `JSONEncoder`'s `.iso8601` strategy writes it), or nil when the
    /// key is absent or null. Foundation's `.iso8601` decoding strategy reports a malformed time at its container's
    /// path, without the key (`facts` instead of `facts.collected_at`); this names the key.
    /// - Throws: `DecodingError.typeMismatch` (not a string) or `.dataCorrupted` (not such a time) at the key's path.
    public func decodeISO8601IfPresent(forKey key: Key) throws -> Date? {
        let text: String?
        do {
            text = try decodeIfPresent(String.self, forKey: key)
        } catch DecodingError.typeMismatch(_, let context) {
            throw DecodingError.typeMismatch(Date.self, context)
        }
        guard let text else { return nil }
        guard let date = try? Date.ISO8601FormatStyle().parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "expected an ISO 8601 time such as 2026-11-01T00:00:00Z")
        }
        return date
    }

    /// A number at `key`, or nil when the key is absent or null. For a number that does not fit `T` (`1.5` or `1e40`
    /// for an integer, `1e999` for a `Double`), Foundation's `JSONDecoder` throws an error of its own that is not a
    /// `DecodingError`, and reports it as "not valid JSON" at no path at all, not even the entry's; this names the
    /// key.
    /// - Throws: `DecodingError.dataCorrupted` at the key's path for such a number; any other error as it is.
    public func decodeNumberIfPresent<T: Decodable & Numeric>(_ type: T.Type, forKey key: Key) throws -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch let error where !(error is DecodingError) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: T.self is any FixedWidthInteger.Type
                    ? "expected a whole number from -9223372036854775808 to 9223372036854775807"
                    : "expected a finite number")
        }
    }

    /// A number at `key` (see `decodeNumberIfPresent`).
    /// - Throws: `DecodingError.keyNotFound` or `.valueNotFound` when it is absent or null.
    public func decodeNumber<T: Decodable & Numeric>(_ type: T.Type, forKey key: Key) throws -> T {
        guard contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        guard let value = try decodeNumberIfPresent(type, forKey: key) else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "null"))
        }
        return value
    }
}
