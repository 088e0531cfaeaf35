import ArgumentParser
import CheckDomain
import Foundation

/// The JSON and table forms of the node list, and the checked reading of `nodes import` and `nodes facts` input.
enum NodeListing {
    /// One node as `nodes list --format json` writes it and `nodes import` reads it; reading refuses unknown keys.
    struct Entry: Codable {
        var id: Int64
        var name: String
        var host: String
        var sshUser: String?
        var sshHost: String?
        var sshPort: Int?
        var lastCollectAt: Date?
        var lastCollectError: String?
        var facts: NodeFacts?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, name, host
            case sshUser = "ssh_user"
            case sshHost = "ssh_host"
            case sshPort = "ssh_port"
            case lastCollectAt = "last_collect_at"
            case lastCollectError = "last_collect_error"
            case facts
        }

        init(_ node: Node) {
            id = node.id.rawValue
            name = node.name
            host = node.host
            sshUser = node.sshUser
            sshHost = node.sshHost
            sshPort = node.sshPort
            lastCollectAt = node.lastCollectAt
            lastCollectError = node.lastCollectError
            facts = node.facts == NodeFacts() ? nil : node.facts
        }

        init(from decoder: any Decoder) throws {
            let all = try decoder.container(keyedBy: AnyKey.self)
            for key in all.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
            where CodingKeys(rawValue: key.stringValue) == nil {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath + [key], debugDescription: DecodingError.unknownKeyDescription)
                )
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeNumber(Int64.self, forKey: .id)
            name = try container.decode(String.self, forKey: .name)
            host = try container.decode(String.self, forKey: .host)
            sshUser = try container.decodeIfPresent(String.self, forKey: .sshUser)
            sshHost = try container.decodeIfPresent(String.self, forKey: .sshHost)
            sshPort = try container.decodeNumberIfPresent(Int.self, forKey: .sshPort)
            lastCollectAt = try container.decodeISO8601IfPresent(forKey: .lastCollectAt)
            lastCollectError = try container.decodeIfPresent(String.self, forKey: .lastCollectError)
            facts = try container.decodeIfPresent(NodeFacts.self, forKey: .facts)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(host, forKey: .host)
            try container.encode(sshUser, forKey: .sshUser)
            try container.encode(sshHost, forKey: .sshHost)
            try container.encode(sshPort, forKey: .sshPort)
            try container.encode(lastCollectAt, forKey: .lastCollectAt)
            try container.encode(lastCollectError, forKey: .lastCollectError)
            try container.encode(facts, forKey: .facts)
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func json(_ nodes: [Node]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(nodes.map(Entry.init))
    }

    static func table(_ nodes: [Node]) -> String {
        let header = [
            "ID", "NAME", "HOST", "SSH", "OS", "SYSTEMD", "KERNEL", "CPUS", "MEMORY", "FACTS FROM", "LAST COLLECT",
        ]
        let timestamp = ISO8601DateFormatter()
        var footnotes: [String] = []
        let rows = nodes.map { node -> [String] in
            let facts = node.facts
            let ssh =
                node.sshUser == nil && node.sshHost == nil && node.sshPort == nil
                ? "-"
                : (node.sshUser.map { "\($0)@" } ?? "") + (node.sshHost ?? node.host)
                    + (node.sshPort.map { ":\($0)" } ?? "")
            var collect = "never"
            if let at = node.lastCollectAt {
                if let error = node.lastCollectError {
                    footnotes.append("node \(node.id.rawValue): \(error)")
                    collect = "FAILED \(timestamp.string(from: at)) [\(footnotes.count)]"
                } else {
                    collect = "ok \(timestamp.string(from: at))"
                }
            }
            return [
                String(node.id.rawValue), node.name, node.host, ssh,
                [facts.osID, facts.osVersion].compactMap { $0 }.joined(separator: " ").ifEmpty("?"),
                facts.systemdVersion.map(String.init) ?? "?",
                facts.kernelRelease ?? "?",
                facts.cpuCount.map(String.init) ?? "?",
                facts.memoryTotalBytes.map { String(format: "%.1f GiB", Double($0) / 1_073_741_824) } ?? "?",
                facts.collectedAt.map { timestamp.string(from: $0) } ?? "never",
                collect,
            ]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined() + (nodes.isEmpty ? "(no nodes)\n" : "")
            + footnotes.enumerated().map { "[\($0.offset + 1)] \($0.element)\n" }.joined()
    }

    /// Reads a `nodes import` file: every entry checked before anything is written.
    static func parseImport(_ data: Data) throws -> [(node: Node, hasFacts: Bool)] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let syntax = syntaxError(data) { throw CommandFailure("rejected, nothing imported: \(syntax)") }
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
            if let problem = sshProblem(entry) {
                throw CommandFailure("rejected, nothing imported: entry \(index), \(problem)")
            }
            if !seen.insert(entry.id).inserted {
                throw CommandFailure(
                    "rejected, nothing imported: entry \(index), field \"id\": \(entry.id) appears twice")
            }
        }
        return entries.map { entry in
            (
                Node(
                    id: NodeID(entry.id), name: entry.name, host: entry.host, facts: entry.facts ?? NodeFacts(),
                    sshUser: entry.sshUser, sshHost: entry.sshHost, sshPort: entry.sshPort,
                    lastCollectAt: entry.lastCollectAt, lastCollectError: entry.lastCollectError),
                entry.facts != nil
            )
        }
    }

    /// What is wrong with an entry's SSH settings, as `field "ssh_port": ...`, or nil.
    static func sshProblem(_ entry: Entry) -> String? {
        if let port = entry.sshPort, !(1...65535).contains(port) {
            return "field \"ssh_port\": \(port) is not a port (1-65535)"
        }
        for (field, value) in [("ssh_user", entry.sshUser), ("ssh_host", entry.sshHost), ("host", entry.host)] {
            guard let value else { continue }
            if let problem = sshWordProblem(value) { return "field \"\(field)\": \(problem)" }
        }
        return nil
    }

    /// Why a user or host name cannot be handed to ssh, or nil: empty, starting with `-` (it would read as an
    /// option), or holding white space or control characters.
    static func sshWordProblem(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.hasPrefix("-") { return "must not start with -" }
        if value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return "must not contain white space or control characters"
        }
        return nil
    }

    /// Reads the output of `fcgi-check facts`.
    static func parseFacts(_ data: Data, context: String) throws -> NodeFacts {
        if let syntax = syntaxError(data) {
            throw CommandFailure("\(context) is not the output of `fcgi-check facts`: \(syntax)")
        }
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
            case .dataCorrupted(let context) where context.debugDescription == DecodingError.unknownKeyDescription:
                (context.codingPath, "unknown key (not one this fcgi-check reads)")
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
            // facts.mounts[0].size: an index follows its array's name, a key is joined with a dot.
            let field = keys.enumerated().map { position, key in
                key.intValue.map { "[\($0)]" } ?? (position == 0 ? "" : ".") + key.stringValue
            }.joined()
            parts.append("field \"\(field)\"")
        }
        return (parts.isEmpty ? "" : parts.joined(separator: ", ") + ": ") + problem
    }

    /// `not valid JSON at line 3, column 14: Expecting ',' delimiter` when `data` is not JSON, or nil.
    static func syntaxError(_ data: Data) -> String? {
        do {
            _ = try PythonJSONParser.parse(Array(data))
            return nil
        } catch .syntax(let message, let offset) {
            let scalars = String(decoding: data, as: UTF8.self).unicodeScalars.prefix(offset)
            let line = scalars.count(where: { $0 == "\n" }) + 1
            let column =
                scalars.count
                - (scalars.lastIndex(of: "\n").map { scalars.distance(from: scalars.startIndex, to: $0) + 1 } ?? 0) + 1
            return "not valid JSON at line \(line), column \(column): \(message)"
        } catch {
            return "not valid JSON (not UTF-8 text, or nested too deep)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Date.Type: "an ISO 8601 time"
        case is Double.Type: "a number"
        case is [String: Any].Type: "a JSON object"
        case is [Any].Type: "a JSON array"
        default: "\(type)"
        }
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
