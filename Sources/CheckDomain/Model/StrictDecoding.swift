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
