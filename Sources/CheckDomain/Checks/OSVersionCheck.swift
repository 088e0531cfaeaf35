/// `check_os_version`: a node's OS version must be at least the minimum (7.2, the reference service's rule).
public struct OSVersionCheck: CheckItem {
    public let name = "check_os_version"
    public let description = "检查操作系统版本"
    /// The lowest version that passes.
    public let minimum: DottedVersion

    /// Creates the check with a minimum version.
    public init(minimum: DottedVersion = DottedVersion("7.2")!) {
        self.minimum = minimum
    }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let text = node.facts.osVersion, let version = DottedVersion(text) else {
                return NodeFailure(nodeID: node.id, message: "\(node.host) 操作系统版本未知")
            }
            guard version < minimum else { return nil }
            return NodeFailure(nodeID: node.id, message: "\(node.host) 操作系统版本过低, 当前系统版本为 \(text)")
        }
    }
}

/// A version made of dot-separated integers, compared part by part (`7.10 > 7.9`, `7.2 == 7.2.0`).
public struct DottedVersion: Sendable, Comparable, CustomStringConvertible {
    /// The numeric parts.
    public let parts: [Int]

    /// Parses `7`, `7.9`, `7.9.2009`; nil for anything else.
    public init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        var parts: [Int] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(piece) else {
                return nil
            }
            parts.append(value)
        }
        self.parts = parts
    }

    public static func < (lhs: DottedVersion, rhs: DottedVersion) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: DottedVersion, rhs: DottedVersion) -> Bool { !(lhs < rhs) && !(rhs < lhs) }

    public var description: String { parts.map(String.init).joined(separator: ".") }
}
