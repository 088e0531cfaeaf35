/// A resource limit (`nofile`, `nproc`) as the kernel reports it: a number, or `unlimited`.
///
/// Its JSON form is the number, or the string `"unlimited"`.
public enum ResourceLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A finite limit.
    case limited(Int64)
    /// No limit (`RLIM_INFINITY`).
    case unlimited

    /// Reads `1024` or `unlimited`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        if text == "unlimited" || text == "infinity" {
            self = .unlimited
        } else if let value = Int64(text), value >= 0 {
            self = .limited(value)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .limited(let value): String(value)
        case .unlimited: "unlimited"
        }
    }

    /// Whether this limit is at least `minimum`.
    public func isAtLeast(_ minimum: Int64) -> Bool {
        switch self {
        case .limited(let value): value >= minimum
        case .unlimited: true
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self), value >= 0 {
            self = .limited(value)
        } else if let text = try? container.decode(String.self), text == "unlimited" {
            self = .unlimited
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a number of at least 0 or \"unlimited\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .limited(let value): try container.encode(value)
        case .unlimited: try container.encode("unlimited")
        }
    }
}
