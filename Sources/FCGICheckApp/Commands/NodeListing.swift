import ArgumentParser
import CheckDomain
import Foundation

/// The JSON and table forms of the node list, and the checked reading of `nodes import` and `nodes facts` input.
enum NodeListing {
    /// One node as `nodes list --format json` writes it and `nodes import` reads it.
    struct Entry: Codable {
        var id: Int64
        var name: String
        var host: String
        var facts: NodeFacts?
    }

    static func json(_ nodes: [Node]) throws -> Data {
        let entries = nodes.map { node in
            Entry(
                id: node.id.rawValue, name: node.name, host: node.host,
                facts: node.facts == NodeFacts() ? nil : node.facts)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(entries)
    }

    static func table(_ nodes: [Node]) -> String {
        let header = ["ID", "NAME", "HOST", "OS", "SYSTEMD", "KERNEL", "CPUS", "MEMORY", "FACTS FROM"]
        let rows = nodes.map { node -> [String] in
            let facts = node.facts
            return [
                String(node.id.rawValue), node.name, node.host,
                [facts.osID, facts.osVersion].compactMap { $0 }.joined(separator: " ").ifEmpty("?"),
                facts.systemdVersion.map(String.init) ?? "?",
                facts.kernelRelease ?? "?",
                facts.cpuCount.map(String.init) ?? "?",
                facts.memoryTotalBytes.map { String(format: "%.1f GiB", Double($0) / 1_073_741_824) } ?? "?",
                facts.collectedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "never",
            ]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined() + (nodes.isEmpty ? "(no nodes)\n" : "")
    }

    /// Reads a `nodes import` file: every entry checked before anything is written.
    static func parseImport(_ data: Data) throws -> [(node: Node, hasFacts: Bool)] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let entries: [Entry]
        do {
            entries = try decoder.decode([Entry].self, from: data)
        } catch let error as DecodingError {
            throw CommandFailure("rejected, nothing imported: \(describe(error, top: "entry"))")
        }
        var seen = Set<Int64>()
        for (index, entry) in entries.enumerated() {
            if entry.name.isEmpty {
                throw CommandFailure("rejected, nothing imported: entry \(index), field \"name\": must not be empty")
            }
            if entry.host.isEmpty {
                throw CommandFailure("rejected, nothing imported: entry \(index), field \"host\": must not be empty")
            }
            if !seen.insert(entry.id).inserted {
                throw CommandFailure(
                    "rejected, nothing imported: entry \(index), field \"id\": \(entry.id) appears twice")
            }
        }
        return entries.map { entry in
            (
                Node(id: NodeID(entry.id), name: entry.name, host: entry.host, facts: entry.facts ?? NodeFacts()),
                entry.facts != nil
            )
        }
    }

    /// Reads the output of `fcgi-check facts`.
    static func parseFacts(_ data: Data, context: String) throws -> NodeFacts {
        do {
            return try NodeFacts(jsonData: data)
        } catch let error as DecodingError {
            throw CommandFailure("\(context) is not the output of `fcgi-check facts`: \(describe(error, top: nil))")
        }
    }

    /// "entry 2, field \"host\": expected a string" from a decoding error's path.
    static func describe(_ error: DecodingError, top: String?) -> String {
        let (path, problem): ([any CodingKey], String) =
            switch error {
            case .typeMismatch(let type, let context): (context.codingPath, "expected \(typeName(type))")
            case .valueNotFound(let type, let context): (context.codingPath, "expected \(typeName(type)), found null")
            case .keyNotFound(let key, let context): (context.codingPath + [key], "missing")
            case .dataCorrupted(let context):
                (
                    context.codingPath,
                    context.codingPath.isEmpty ? "not valid JSON" : "invalid value (\(context.debugDescription))"
                )
            @unknown default: ([], "\(error)")
            }
        var parts: [String] = []
        var keys = path[...]
        if let top, let first = keys.first, let index = first.intValue {
            parts.append("\(top) \(index)")
            keys = keys.dropFirst()
        } else if top != nil, keys.isEmpty, case .typeMismatch = error {
            return "expected a JSON array of nodes"
        }
        if !keys.isEmpty {
            let field = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            parts.append("field \"\(field)\"")
        }
        return (parts.isEmpty ? "" : parts.joined(separator: ", ") + ": ") + problem
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Date.Type: "an ISO 8601 time"
        default: "\(type)"
        }
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
