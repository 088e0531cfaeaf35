/// The result of one check item for one request: `{"name":…,"description":…,"not_success_nodes":[…]}`.
public struct CheckItemResult: Sendable, Equatable {
    /// The check item's name.
    public var name: String
    /// The check item's description.
    public var description: String
    /// The nodes that did not pass.
    public var notSuccessNodes: [NodeFailure]

    /// Creates a result.
    public init(name: String, description: String, notSuccessNodes: [NodeFailure]) {
        self.name = name
        self.description = description
        self.notSuccessNodes = notSuccessNodes
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
        for offset in results.indices {
            let result = results[offset]
            if offset > 0 { writer.raw(",") }
            writer.raw("{\"name\":")
            writer.string(result.name)
            writer.raw(",\"description\":")
            writer.string(result.description)
            writer.raw(",\"not_success_nodes\":[")
            // Read in place, through a buffer: a copy of each failure would retain and release its seven strings,
            // and each message was copied on its way to the writer when read through the array.
            result.notSuccessNodes.withUnsafeBufferPointer { failures in
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
