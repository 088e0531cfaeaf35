/// The result of one check item for one request: `{"name":…,"description":…,"not_success_nodes":[…]}`.
public struct CheckItemResult: Sendable, Equatable {
    /// The check item's name.
    public var name: String {
        switch label {
        case .strings(let name, _): name
        case .registered(let label): label.name
        }
    }
    /// The check item's description.
    public var description: String {
        switch label {
        case .strings(_, let description): description
        case .registered(let label): label.description
        }
    }
    /// The nodes that did not pass.
    public var notSuccessNodes: [NodeFailure]
    /// The name and description: as given, or the registry's label for the item (see `ItemLabel`), whose answer's
    /// bytes before the failures are made once and written as they are.
    private let label: Label

    private enum Label: Sendable {
        case strings(name: String, description: String)
        case registered(ItemLabel)
    }

    /// Creates a result.
    public init(name: String, description: String, notSuccessNodes: [NodeFailure]) {
        label = .strings(name: name, description: description)
        self.notSuccessNodes = notSuccessNodes
    }

    /// Creates a result of a registered item, labelled as its registry labels it.
    init(_ label: ItemLabel, notSuccessNodes: [NodeFailure]) {
        self.label = .registered(label)
        self.notSuccessNodes = notSuccessNodes
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
                switch results[offset].label {
                case .registered(let label): writer.raw(label.head)
                case .strings(let name, let description): writeHead(name: name, description: description, to: &writer)
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
