/// Where check items put the nodes that did not pass, as they find them: written straight into the answer's bytes
/// (`POST /`), or kept as values (`fcgi-check check`, `POST /fix-script`, an item's tests).
///
/// Written as found, a failure is encoded while its strings are at hand and dropped at once. Kept as values first, the
/// default catalogue's 60-odd failures a request were each copied into a growing array, the arrays into results, the
/// results read back by the writer and only then destroyed, every string retained and released once more on the way:
/// building, writing and freeing the failures were well over half of such a request's instructions.
///
/// Not copyable, as the writer it may hold is not: items get it `inout`.
public struct NodeFailures: ~Copyable {
    /// The answer being written; unused (and empty) when failures are kept.
    private var writer: PythonJSONWriter
    /// The fields written; nil when failures are kept as values.
    private let fields: ResultFields?
    /// The failures of the item being run, when they are kept (never read by an item: it is always empty when
    /// failures are written).
    private(set) var kept: [NodeFailure] = []
    /// The results of the items run so far, when failures are kept.
    private var results: [CheckItemResult] = []
    /// Whether an item's result has been started yet (a comma comes before each one after the first).
    private var hasItems = false
    /// Whether the item being run has written a failure yet (a comma comes before each one after the first).
    private var hasWritten = false

    // An unknown-fact failure is written in three pieces, the node's (its id and host), the item's (the fact's ending
    // and `expected`) and the fix, and the first two, once written, are copied from the answer's own bytes the next
    // times: an inventory without collected facts has each of the default catalogue's 18 one-fact items fail each
    // member node alike, and escaping and formatting the same strings again was most of writing such a failure.

    /// Where the node's piece was written, for the first `headsKept` nodes (found by a search, so a few). Known by the
    /// node's id alone: within one answer an id is always the same node, with the same host (the items' nodes are the
    /// context's member nodes, each loaded once a request).
    private var heads: [WrittenHead] = []
    private static let headsKept = 16
    /// Where the item's piece was written last, and what it was written from (`tailLength` 0: nowhere yet). Strings
    /// are compared by identity (the same value passed again, or the same short text, which a string holds in place),
    /// never by their bytes: an item passes the same strings for every node, and comparing different items' text
    /// (Unicode-aware, for non-ASCII) cost more than writing the piece again.
    private var tailEnding = ""
    private var tailExpected = ""
    private var tailOffset = 0
    private var tailLength = 0

    /// Where a node's piece of an unknown-fact failure is in the answer.
    private struct WrittenHead {
        let id: NodeID
        let offset: Int
        let length: Int
    }

    /// About how many bytes a failure takes in an answer with `fields`, to make room for them.
    static func bytesPerFailure(_ fields: ResultFields) -> Int {
        fields == .reference ? 96 : 192
    }

    /// Failures kept as values: `kept` holds those of one item, `finishItem(_:)` files them under the item.
    /// - Parameter items: how many items will be run, to make room for their results.
    public init(items: Int = 0) {
        writer = PythonJSONWriter(capacity: 0)
        fields = nil
        results.reserveCapacity(items)
    }

    /// Failures written into the `POST /` answer with `fields`, the items' results one after another in one array.
    /// - Parameter capacity: the bytes to make room for at first (the answer grows past it as it must).
    init(writing fields: ResultFields, capacity: Int) {
        writer = PythonJSONWriter(capacity: capacity)
        self.fields = fields
        writer.raw("[")
    }

    /// Adds a node that did not pass the item being run, after those added before it.
    @inline(__always)
    public mutating func append(_ failure: consuming NodeFailure) {
        guard fields != nil else {
            if kept.isEmpty { kept.reserveCapacity(4) }
            kept.append(failure)
            return
        }
        // Written from where it is: the failure's strings are neither copied nor retained.
        withUnsafeMutablePointer(to: &failure) { write(at: $0) }
    }

    /// Adds a node whose needed fact is unknown: the failure `NodeFailure.unknown(node, fact, expected: expected,
    /// fix: fix, fixLocation: fixLocation, in:)` makes for the language `language`, after those added before it.
    ///
    /// Written into the answer, the failure is never made: its message's two pieces (the host and the fact's ending),
    /// `expected` and `fix` are written where they are, the first three copied from where they were written before
    /// when they were (see `heads`).
    /// Made, written and destroyed, such a failure was some 500 instructions more, and nearly every failure of an
    /// inventory without collected facts is of this kind.
    @inline(__always)
    public mutating func appendUnknown(
        _ node: borrowing Node, _ fact: borrowing UnknownFact, expected: String, fix: String? = nil,
        fixLocation: FixLocation = .node, language: Language
    ) {
        guard let fields else {
            append(.unknown(node, fact, expected: expected, fix: fix, fixLocation: fixLocation, language: language))
            return
        }
        writeUnknownUpToFix(node, fact, expected: expected, language: language, fields: fields)
        writer.unknownFailureEnd(fix: fix, fields: fields)
    }

    /// Adds a node whose needed fact is unknown and whose fix is `fix` run for its id (`fcgi-check nodes collect 7`),
    /// as `appendUnknown(_:_:expected:fix:fixLocation:language:)` does with `fix.text(for: node.id)`: written into
    /// the answer, the fix is written as its two parts, the command's bytes and the id's digits, never made.
    @inline(__always)
    public mutating func appendUnknown(
        _ node: borrowing Node, _ fact: borrowing UnknownFact, expected: String, fix: NodeIDCommand,
        fixLocation: FixLocation, language: Language
    ) {
        guard let fields else {
            append(
                .unknown(
                    node, fact, expected: expected, fix: fix.text(for: node.id), fixLocation: fixLocation,
                    language: language))
            return
        }
        writeUnknownUpToFix(node, fact, expected: expected, language: language, fields: fields)
        writer.unknownFailureEnd(fix: fix, id: node.id, fields: fields)
    }

    /// Writes an unknown-fact failure up to its fix's value (see `appendUnknown`): the node's piece and the item's,
    /// each copied from where it was written before when it was.
    @inline(__always)
    private mutating func writeUnknownUpToFix(
        _ node: borrowing Node, _ fact: borrowing UnknownFact, expected: String, language: Language,
        fields: ResultFields
    ) {
        if hasWritten { writer.raw(",") }
        hasWritten = true
        appendUnknownHead(node)
        let ending = language == .english ? fact.englishEnding : fact.chineseEnding
        if tailLength > 0, Self.isSame(tailEnding, ending), Self.isSame(tailExpected, expected) {
            writer.rawWritten(from: tailOffset, length: tailLength)
        } else {
            let offset = writer.count
            writer.unknownFailureMiddle(ending: ending, expected: expected, fields: fields)
            (tailEnding, tailExpected) = (ending, expected)
            (tailOffset, tailLength) = (offset, writer.count - offset)
        }
    }

    /// Whether `first` and `second` are the same string value (see `tailEnding`).
    @inline(__always)
    private static func isSame(_ first: String, _ second: String) -> Bool {
        first._isIdentical(to: second)
    }

    /// Writes the node's piece of an unknown-fact failure (`PythonJSONWriter.unknownFailureHead`), copied from where
    /// it was written first for one of the first `NodeFailures.headsKept` nodes.
    ///
    /// The copy and the first writing are calls, not inlined: inlined into every item's loop, they made items so
    /// large that the compiler stopped inlining their judgements instead. The copy is given the node's id alone, so
    /// that nothing of the node needs holding across it (the host, and the node's box, were retained and released
    /// around the call for every unknown fact).
    @inline(__always)
    private mutating func appendUnknownHead(_ node: borrowing Node) {
        if copyWrittenHead(of: node.id) { return }
        writeUnknownHead(node.id, host: node.host)
    }

    /// Copies the node's piece written before for the node `id`; false when there is none.
    @inline(never)
    private mutating func copyWrittenHead(of id: NodeID) -> Bool {
        var index = 0
        while index < heads.count {
            let head = heads[index]
            if head.id == id {
                writer.rawWritten(from: head.offset, length: head.length)
                return true
            }
            index += 1
        }
        return false
    }

    /// Writes the node's piece for the node `id` at `host`, and remembers where for one of the first `headsKept`.
    @inline(never)
    private mutating func writeUnknownHead(_ id: NodeID, host: String) {
        let offset = writer.count
        writer.unknownFailureHead(id: id, host: host)
        guard heads.count < Self.headsKept else { return }
        if heads.isEmpty { heads.reserveCapacity(Self.headsKept) }
        heads.append(WrittenHead(id: id, offset: offset, length: writer.count - offset))
    }

    /// Starts the result of an item labelled `label`, after those before it.
    mutating func startItem(_ label: ItemLabel) {
        guard fields != nil else { return }
        startWriting(head: label.head)
    }

    /// Ends the result of the item labelled `label`: its failures are filed under it when they are kept.
    mutating func finishItem(_ label: ItemLabel) {
        guard fields != nil else {
            results.append(CheckItemResult(label, notSuccessNodes: kept))
            kept = []
            return
        }
        finishWriting()
    }

    // The answer's framing, written only here: by a check run as its items find their failures, and by
    // `CheckItemResult.responseBytes` for results kept as values.

    /// Writes the start of an item's result, `head` (`{"name":…,"description":…,"not_success_nodes":[`), after the
    /// results before it.
    mutating func startWriting(head: UnsafeBufferPointer<UInt8>) {
        if hasItems { writer.raw(",") }
        hasItems = true
        writer.raw(head)
        hasWritten = false
    }

    /// Writes the failure at `failure`, read in place, after those of the item before it. Only when writing.
    @inline(__always)
    mutating func write(at failure: UnsafeMutablePointer<NodeFailure>) {
        if hasWritten { writer.raw(",") }
        hasWritten = true
        writer.failure(at: failure, fields: fields!)
    }

    /// Writes the end of an item's result.
    mutating func finishWriting() {
        writer.raw("]}")
    }

    /// The results of the items run, when failures are kept.
    consuming func keptResults() -> [CheckItemResult] {
        results
    }

    /// The answer written, its memory handed over as it is.
    consuming func answer() -> WrittenBytes {
        writer.raw("]")
        return writer.written()
    }
}

extension PythonJSONWriter {
    // The node object `NodeFailure.unknown` makes, node `id` at `host` whose fact is unknown, with `fields` (the
    // message is `host` then `ending`, the level `fail`, nothing is actual, and `fix` brings the fact in), is the
    // node's piece, the item's, then the end (see `NodeFailures.appendUnknown`).

    /// The node's piece of an unknown-fact failure: `{"node_id":…,"message":"` and the host, escaped.
    @inline(__always)
    mutating func unknownFailureHead(id: NodeID, host: String) {
        raw("{\"node_id\":")
        integer(id.rawValue)
        raw(",\"message\":\"")
        stringContents(of: host)
    }

    /// The item's piece of an unknown-fact failure: the rest of the message (`ending`, escaped, and its quote), then
    /// with `.extended` fields `level`, `expected` and `actual`, up to the fix's value.
    mutating func unknownFailureMiddle(ending: String, expected: String, fields: ResultFields) {
        stringContents(of: ending)
        guard fields == .extended else {
            raw("\"")
            return
        }
        raw("\",\"level\":\"fail\",\"expected\":")
        string(expected)
        raw(",\"actual\":null,\"fix\":")
    }

    /// The end of an unknown-fact failure: with `.extended` fields the fix's value, then the object's end.
    @inline(__always)
    mutating func unknownFailureEnd(fix: String?, fields: ResultFields) {
        if fields == .extended {
            if let fix { string(fix) } else { raw("null") }
        }
        raw("}")
    }

    /// The end of an unknown-fact failure whose fix is `fix` for the node `id`: with `.extended` fields the fix's
    /// value, the bytes `string(fix.text(for: id))` writes (the command needs no escape), then the object's end.
    @inline(__always)
    mutating func unknownFailureEnd(fix: NodeIDCommand, id: NodeID, fields: ResultFields) {
        if fields == .extended {
            byte(UInt8(ascii: "\""))
            raw(fix.command)
            integer(id.rawValue)
            byte(UInt8(ascii: "\""))
        }
        raw("}")
    }

    /// Appends the node object of the failure at `failure` with `fields`: `{"node_id":…,"message":…}`, and with
    /// `.extended` `level`, `expected`, `actual` and `fix` after them. Read in place (see `string(message:)`).
    @inline(__always)
    mutating func failure(at failure: UnsafeMutablePointer<NodeFailure>, fields: ResultFields) {
        raw("{\"node_id\":")
        integer(failure.pointee.nodeID.rawValue)
        raw(",\"message\":")
        string(message: failure.pointer(to: \.messageText)!)
        if fields == .extended {
            switch failure.pointee.level {
            case .fail: raw(",\"level\":\"fail\",\"expected\":")
            case .warn: raw(",\"level\":\"warn\",\"expected\":")
            }
            optionalString(at: failure.pointer(to: \.expected)!)
            if failure.pointee.actual == nil && failure.pointee.fix == nil {
                // As for every unknown fact: one copy.
                raw(",\"actual\":null,\"fix\":null}")
                return
            }
            raw(",\"actual\":")
            optionalString(at: failure.pointer(to: \.actual)!)
            raw(",\"fix\":")
            optionalString(at: failure.pointer(to: \.fix)!)
        }
        raw("}")
    }
}
