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
        writer.raw("{\"name\":")
        writer.string(name)
        writer.raw(",\"description\":")
        writer.string(description)
        writer.raw(",\"not_success_nodes\":[")
        return writer.bytes
    }
}

extension CheckItemResult {
    /// The `POST /` response body for these results (see `responseBytes(_:fields:)`), as an array: for callers that
    /// keep their results (the tests), which are copied to be lent in place.
    public static func responseBody(_ results: [CheckItemResult], fields: ResultFields = .reference) -> [UInt8] {
        var results = results
        return responseBytes(&results, fields: fields).array
    }

    /// The `POST /` response body for these results: byte for byte as the reference service writes it with
    /// `.reference` fields; with `.extended`, each node object gets `level`, `expected`, `actual` and `fix` after the
    /// reference's two fields. For results kept as values (`fcgi-check check --format json`, the tests); `POST /`
    /// writes the same bytes as its items find their failures (`ClusterCheck.answer`), through the same
    /// `NodeFailures`, which alone frames an answer.
    ///
    /// Handed over where it was written (`WrittenBytes`); the results are read in place and left as they were. Taken
    /// `inout` so that each string is written from where it is, neither copied nor retained (see
    /// `PythonJSONWriter.optionalString(at:)`): a caller that owns the results alone lends them without a copy; one
    /// that shares them has them copied first.
    public static func responseBytes(_ results: inout [CheckItemResult], fields: ResultFields = .reference)
        -> WrittenBytes
    {
        let perFailure = NodeFailures.bytesPerFailure(fields)
        var answer = NodeFailures(
            writing: fields, capacity: 256 + results.reduce(0) { $0 + 96 + perFailure * $1.notSuccessNodes.count })
        // Read in place, through buffers: a copy of a result would retain and release its strings and arrays, a copy
        // of a failure its seven strings.
        results.withUnsafeMutableBufferPointer { results in
            for offset in results.indices {
                switch results[offset].label {
                case .registered(let label): answer.startWriting(head: label.head)
                case .strings(let name, let description):
                    head(name: name, description: description).withUnsafeBufferPointer { answer.startWriting(head: $0) }
                }
                // An empty list is not borrowed: the shared empty array would be copied to be lent mutably.
                if !results[offset].notSuccessNodes.isEmpty {
                    results[offset].notSuccessNodes.withUnsafeMutableBufferPointer { failures in
                        for index in failures.indices { answer.write(at: failures.baseAddress! + index) }
                    }
                }
                answer.finishWriting()
            }
        }
        return answer.answer()
    }
}
