import Foundation
import Testing

/// Loads the oracle fixtures that `Tests/Oracle/*.py` generate from CPython and pydantic themselves.
enum Fixtures {
    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(contentsOf: url))
    }

    /// `[[chunk, count], …]` compresses long strings in the lax-int fixture.
    static func expand(_ parts: [[PartElement]]) -> String {
        parts.map { part in
            guard case .text(let chunk) = part[0], case .count(let count) = part[1] else { return "" }
            return String(repeating: chunk, count: count)
        }.joined()
    }

    enum PartElement: Decodable {
        case text(String)
        case count(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let count = try? container.decode(Int.self) {
                self = .count(count)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }
}
