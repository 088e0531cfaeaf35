/// Why a policy file cannot be used: which file, where in it (a key, or a line for a syntax error), and what is wrong.
public struct PolicyError: Error, Equatable, CustomStringConvertible {
    /// The policy file's path.
    public var file: String
    /// The dotted key at fault (`check_memory.minimum_mib`), nil when the whole file is.
    public var key: String?
    /// The line (1-based) of a syntax error.
    public var line: Int?
    /// The column (1-based) of a syntax error.
    public var column: Int?
    /// What is wrong.
    public var problem: String

    /// Creates an error.
    public init(file: String, key: String? = nil, line: Int? = nil, column: Int? = nil, problem: String) {
        self.file = file
        self.key = key
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// `policy /etc/fcgi-check/policy.toml: key check_memory.minimum_mib: must be at least 1, not -5`.
    public var description: String {
        var text = "policy \(file): "
        if let line { text += "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " }
        if let key { text += "key \(key): " }
        return text + problem
    }
}
