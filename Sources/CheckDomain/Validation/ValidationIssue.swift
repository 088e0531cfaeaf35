/// One entry of a FastAPI-style 422 body: `{"type":…,"loc":[…],"msg":…,"input":…}` plus `ctx` where FastAPI has it.
public struct ValidationIssue: Sendable, Equatable {
    /// One step of a location: an object key or an array index.
    public enum LocationStep: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case key(String)
        case index(Int)

        public init(stringLiteral value: String) { self = .key(value) }
        public init(integerLiteral value: Int) { self = .index(value) }
    }

    /// The pydantic error type, e.g. `int_parsing`.
    public var type: String
    /// Where the error is, starting with `"body"`.
    public var location: [LocationStep]
    /// The human-readable message, pydantic's wording.
    public var message: String
    /// The offending input as received.
    public var input: JSONValue
    /// Extra context (FastAPI's `ctx`), in order; empty when there is none.
    public var context: [(key: String, value: JSONValue)]

    /// Creates an issue.
    public init(
        type: String,
        location: [LocationStep],
        message: String,
        input: JSONValue,
        context: [(key: String, value: JSONValue)] = []
    ) {
        self.type = type
        self.location = location
        self.message = message
        self.input = input
        self.context = context
    }

    public static func == (lhs: ValidationIssue, rhs: ValidationIssue) -> Bool {
        lhs.type == rhs.type && lhs.location == rhs.location && lhs.message == rhs.message && lhs.input == rhs.input
            && lhs.context.map(\.key) == rhs.context.map(\.key) && lhs.context.map(\.value) == rhs.context.map(\.value)
    }
}

extension ValidationIssue {
    /// Writes the issue as FastAPI does.
    public func write(to writer: inout PythonJSONWriter) {
        writer.raw("{\"type\":")
        writer.string(type)
        writer.raw(",\"loc\":[")
        for (offset, step) in location.enumerated() {
            if offset > 0 { writer.raw(",") }
            switch step {
            case .key(let key): writer.string(key)
            case .index(let index): writer.integer(Int64(index))
            }
        }
        writer.raw("],\"msg\":")
        writer.string(message)
        writer.raw(",\"input\":")
        writer.value(input)
        if !context.isEmpty {
            writer.raw(",\"ctx\":")
            writer.value(.object(JSONObject(context.map { ($0.key, $0.value) })))
        }
        writer.raw("}")
    }

    /// The whole 422 body for a list of issues: `{"detail":[…]}`.
    public static func responseBody(_ issues: [ValidationIssue]) -> [UInt8] {
        var list = ValidationIssueList()
        for issue in issues { list.append(issue) }
        return list.responseBody()
    }
}

/// Validation issues written into the 422 body as they are found.
///
/// A hostile 1 MiB body can hold a million errors, each echoing its input; writing each one at once keeps only the
/// answer in memory, never a million issue values beside it.
///
/// Not copyable, as its writer is not: a list is passed `inout` and consumed by `responseBody()`.
public struct ValidationIssueList: ~Copyable, Sendable {
    private var writer = PythonJSONWriter(capacity: 256)
    /// How many issues were written.
    public private(set) var count = 0
    /// The first issue, for logs and tests.
    public private(set) var first: ValidationIssue?

    /// Starts an empty list.
    public init() { writer.raw("{\"detail\":[") }

    /// Whether no issue was found.
    public var isEmpty: Bool { count == 0 }

    /// Adds an issue.
    public mutating func append(_ issue: ValidationIssue) {
        if count == 0 {
            first = issue
        } else {
            writer.raw(",")
        }
        issue.write(to: &writer)
        count += 1
    }

    /// The 422 body: `{"detail":[…]}`.
    public consuming func responseBody() -> [UInt8] {
        writer.raw("]}")
        return writer.bytes
    }
}
