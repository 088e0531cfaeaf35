/// A selection of check items (`?checks=`) that names items the service does not run.
public struct UnknownCheckNamesError: Error, Equatable {
    /// The names not known, in the order given, each once, at most `reportLimit`.
    public var unknown: [String]
    /// The most unknown names reported in one answer.
    public static let reportLimit = 20
    /// The names that are known, in answer order.
    public var known: [String]

    /// Creates the error.
    public init(unknown: [String], known: [String]) {
        self.unknown = unknown
        self.known = known
    }

    /// One 422 entry per unknown name, FastAPI's shape:
    /// `{"type":"unknown_check","loc":["query","checks"],"msg":…,"input":name,"ctx":{"known":[…]}}`.
    public var issues: [ValidationIssue] {
        unknown.map { name in
            ValidationIssue(
                type: "unknown_check",
                location: ["query", "checks"],
                message: "Unknown check item '\(name)'; known: \(known.joined(separator: ", "))",
                input: .string(name),
                context: [("known", .array(known.map { .string($0) }))]
            )
        }
    }
}
