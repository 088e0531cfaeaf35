/// The result of one check item for one request: `{"name":…,"description":…,"not_success_nodes":[…]}`.
public struct CheckItemResult: Sendable, Equatable {
    /// The check item's name.
    public let name: String
    /// The check item's description.
    public let description: String
    /// The nodes that did not pass.
    public var notSuccessNodes: [NodeFailure]
    /// The answer's bytes for this result before its failures, `{"name":…,"description":…,"not_success_nodes":[`,
    /// made once by the registry for each item and language (`head(name:description:)`); nil in a result made
    /// otherwise, whose name and description are then written for each answer.
    let head: [UInt8]?

    /// Creates a result.
    public init(name: String, description: String, notSuccessNodes: [NodeFailure]) {
        self.init(name: name, description: description, notSuccessNodes: notSuccessNodes, head: nil)
    }

    /// Creates a result whose answer's bytes before its failures are `head`, as `head(name:description:)` made them.
    init(name: String, description: String, notSuccessNodes: [NodeFailure], head: [UInt8]?) {
        self.name = name
        self.description = description
        self.notSuccessNodes = notSuccessNodes
        self.head = head
    }

    /// Two results are equal when their names, descriptions and failures are, however they were made.
    public static func == (lhs: CheckItemResult, rhs: CheckItemResult) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.notSuccessNodes == rhs.notSuccessNodes
    }

    /// The answer's bytes for a result before its failures: `{"name":…,"description":…,"not_success_nodes":[`.
    static func head(name: String, description: String) -> [UInt8] {
        var writer = PythonJSONWriter(capacity: 48 + name.utf8.count + description.utf8.count)
        writeHead(name: name, description: description, to: &writer)
        return writer.bytes
    }

    private static func writeHead(name: String, description: String, to writer: inout PythonJSONWriter) {
        writer.raw("{\"name\":")
        writer.string(name)
        writer.raw(",\"description\":")
        writer.string(description)
        writer.raw(",\"not_success_nodes\":[")
    }
}

extension CheckItemResult {
    /// The `POST /` response body for these results: byte for byte as the reference service writes it with
    /// `.reference` fields; with `.extended`, each node object gets `level`, `expected`, `actual` and `fix` after the
    /// reference's two fields.
    public static func responseBody(_ results: [CheckItemResult], fields: ResultFields = .reference) -> [UInt8] {
        let perNode = fields == .reference ? 96 : 192
        var writer = PythonJSONWriter(capacity: 256 + results.reduce(0) { $0 + perNode * $1.notSuccessNodes.count })
        writer.raw("[")
        // Read in place, through buffers: a copy of a result would retain and release its strings and arrays, a copy
        // of a failure its seven strings, and each message was copied on its way to the writer when read through
        // the array.
        results.withUnsafeBufferPointer { results in
            for offset in results.indices {
                if offset > 0 { writer.raw(",") }
                if let head = results[offset].head {
                    head.withUnsafeBufferPointer { writer.raw($0) }
                } else {
                    writeHead(name: results[offset].name, description: results[offset].description, to: &writer)
                }
                results[offset].notSuccessNodes.withUnsafeBufferPointer { failures in
                    for index in failures.indices {
                        if index > 0 { writer.raw(",") }
                        writer.raw("{\"node_id\":")
                        writer.integer(failures[index].nodeID.rawValue)
                        writer.raw(",\"message\":")
                        writer.string(message: (failures.baseAddress! + index).pointer(to: \.messageText)!)
                        if fields == .extended {
                            switch failures[index].level {
                            case .fail: writer.raw(",\"level\":\"fail\",\"expected\":")
                            case .warn: writer.raw(",\"level\":\"warn\",\"expected\":")
                            }
                            writer.optionalString(failures[index].expected)
                            if failures[index].actual == nil && failures[index].fix == nil {
                                // As for every unknown fact: one copy.
                                writer.raw(",\"actual\":null,\"fix\":null}")
                                continue
                            }
                            writer.raw(",\"actual\":")
                            writer.optionalString(failures[index].actual)
                            writer.raw(",\"fix\":")
                            writer.optionalString(failures[index].fix)
                        }
                        writer.raw("}")
                    }
                }
                writer.raw("]}")
            }
        }
        writer.raw("]")
        return writer.bytes
    }
}

extension PythonJSONWriter {
    /// A string, or `null`.
    @inline(__always)
    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }
}
