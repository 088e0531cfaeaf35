import CheckDomain
import Foundation

extension CollectionSession.Result {
    /// The facts the session's output tells, or why there are none, in words for `last_collect_error`: a refused
    /// connection, a timeout, an authentication failure, a script that failed, output that is not the script's.
    /// - Parameters:
    ///   - timeout: the session's bound, in whole seconds, as the operator gave it.
    ///   - connectTimeout: ssh's `ConnectTimeout`, in seconds, or nil when the session is not ssh.
    func facts(timeout: Int, connectTimeout: Int?, collectedAt: Date) -> Swift.Result<NodeFacts, CollectionError> {
        if let spawnError { return .failure(CollectionError(spawnError)) }
        if timedOut { return .failure(CollectionError("timed out after \(timeout) s")) }
        if overLimit {
            return .failure(CollectionError("output exceeds \(CollectionSession.defaultOutputLimit >> 20) MiB"))
        }
        let complaint = sshComplaint
        if let signal {
            return .failure(CollectionError("the session was ended by signal \(signal)" + complaint.suffix))
        }
        if status == 255, connectTimeout != nil {
            return .failure(CollectionError(sshFailure(complaint.line, connectTimeout: connectTimeout ?? timeout)))
        }
        if let status, status != 0 {
            return .failure(CollectionError("script failed with exit status \(status)" + complaint.suffix))
        }
        do {
            let dump = try FactDump(parsing: output)
            return .success(FactCollector.facts(from: dump, exchange: exchange, collectedAt: collectedAt))
        } catch {
            return .failure(CollectionError(error.description + complaint.suffix))
        }
    }

    /// ssh's own words on failing (exit status 255), sorted into the few things an operator acts on.
    private func sshFailure(_ line: String?, connectTimeout: Int) -> String {
        // ssh starts some complaints with its name ("ssh: connect to host h port 22: Connection refused").
        let said = line.map { " (" + ($0.hasPrefix("ssh: ") ? $0 : "ssh: \($0)") + ")" } ?? ""
        let text = line?.lowercased() ?? ""
        if text.contains("connection refused") { return "connection refused" + said }
        if text.contains("permission denied") || text.contains("too many authentication failures")
            || text.contains("no supported authentication methods")
        {
            return "authentication failed" + said
        }
        if text.contains("host key verification failed") || text.contains("remote host identification has changed") {
            return "host key verification failed" + said
        }
        if text.contains("timed out") { return "timed out after \(connectTimeout) s connecting" + said }
        if text.contains("could not resolve hostname") || text.contains("name or service not known") {
            return "cannot resolve the host name" + said
        }
        if text.contains("no route to host") || text.contains("network is unreachable") {
            return "host unreachable" + said
        }
        return "ssh failed" + (line.map { ": \($0)" } ?? " with exit status 255 and no message")
    }

    /// The last line of standard error that says something (ssh's "Warning: Permanently added" notices aside),
    /// shortened to 300 characters.
    private var sshComplaint: (line: String?, suffix: String) {
        let lines = String(decoding: error, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Warning: Permanently added") }
        guard var line = lines.last else { return (nil, "") }
        line = String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.prefix(300))
        return (line, "; stderr: \(line)")
    }
}

/// Why a node's facts could not be collected, as stored in `last_collect_error`.
struct CollectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
