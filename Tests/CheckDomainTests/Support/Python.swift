import Foundation

/// Runs a Python script for a test: a writer in another process than the test's (Python's `sqlite3`, as an operator's
/// `sqlite3` or `nodes collect` would be).
enum Python {
    /// A failed script: its exit status and what it wrote on standard error.
    struct Failure: Error, CustomStringConvertible {
        let status: Int32
        let standardError: String
        var description: String { "python3 exited \(status): \(standardError)" }
    }

    /// Runs `script` with `arguments` (its `sys.argv[1...]`) and returns what it printed.
    /// - Throws: `Failure` when it exits with another status than 0.
    static func run(_ script: String, arguments: [String]) throws -> String {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        python.standardOutput = output
        python.standardError = errors
        try python.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaints = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        guard python.terminationStatus == 0 else {
            throw Failure(status: python.terminationStatus, standardError: complaints)
        }
        return printed
    }
}
