import ArgumentParser
import CheckDomain
import Foundation

/// `fcgi-check nodes collect`: gathers nodes' facts over SSH, agentlessly, and stores them.
struct CollectCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect nodes' facts over SSH (nothing installed on them) and store them in the inventory.",
        discussion: """
            Runs the system's OpenSSH client for each node (`ssh NODE sh -s`, BatchMode, never a password prompt), \
            so that ~/.ssh/config, keys, the agent, known_hosts, ProxyJump and bastions apply as usual, and sends \
            it the collection script (`fcgi-check facts --script`) on standard input: the node needs a POSIX shell \
            and coreutils, nothing else, and nothing on it is changed. The output is judged here.

            A node is reached at its ssh_host (default: its host) as its ssh_user on its ssh_port (see `nodes add`, \
            `nodes import`); --user and --port apply to nodes without their own. A node that succeeds has its facts \
            replaced in one transaction; one that fails keeps the facts it had, and the error is recorded on it \
            (`nodes list` shows it).

            Exit status: 0 when every node succeeded, 1 when any failed, 2 on a bad command line.

            Examples:
              fcgi-check nodes collect --all
              fcgi-check nodes collect 4 5 --user ops --ssh-option ProxyJump=bastion.example.com
              fcgi-check nodes collect --all --concurrency 64 --timeout 20 --format json > collect.json
            """
    )

    @OptionGroup var options: InventoryOptions
    @Argument(help: "The ids of the nodes to collect.") var ids: [Int64] = []
    @Flag(help: "Collect every node of the inventory.") var all = false
    @Option(help: "The user to log in as, for nodes without an ssh_user (default: ssh's own).") var user: String?
    @Option(help: "The SSH port, for nodes without an ssh_port (default: ssh's own).") var port: Int?
    @Option(
        name: .customLong("ssh-option"),
        help: ArgumentHelp("An ssh -o option (repeatable), e.g. ProxyJump=bastion.", valueName: "option"))
    var sshOptions: [String] = []
    @Option(help: ArgumentHelp("An ssh configuration file (ssh -F).", valueName: "file")) var sshConfig: String?
    @Option(help: "How many nodes at a time.") var concurrency = 32
    @Option(help: "Seconds a node's whole session may take (connect, run, read) before ssh is killed.")
    var timeout = 30
    @Option(help: "table (for people) or json.") var format: Format = .table
    @Flag(help: "No redrawn progress line; one plain line per node instead.") var noProgress = false

    func validate() throws {
        if ids.isEmpty && !all { throw ValidationError("name the nodes to collect (ids), or --all") }
        if !ids.isEmpty && all { throw ValidationError("ids and --all exclude each other") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 1024") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be a port (1-65535)") }
        if let user, let problem = NodeListing.sshWordProblem(user) { throw ValidationError("--user \(problem)") }
        for option in sshOptions where !option.contains("=") && !option.contains(" ") {
            throw ValidationError("--ssh-option \(option): expected NAME=VALUE, as for ssh -o")
        }
    }

    func run() throws {
        let inventory = try options.open(.existing)
        let known = try inventory.allNodes()
        var nodes = known
        if !all {
            let byID = Dictionary(known.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
            let missing = ids.filter { byID[$0] == nil }
            if !missing.isEmpty {
                throw ValidationError(
                    "no node \(missing.map(String.init).joined(separator: ", ")) in the inventory \(inventory.displayName)"
                )
            }
            var seen = Set<Int64>()
            nodes = ids.filter { seen.insert($0).inserted }.compactMap { byID[$0] }
        }
        let ssh = SSHCommand(
            configFile: sshConfig, options: sshOptions, defaultUser: user, defaultPort: port, timeout: timeout)
        let progress = CollectionProgress(
            total: nodes.count,
            redrawn: !noProgress && Posix.isTerminal(STDERR_FILENO)
                && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true)
        let started = ContinuousClock.now
        let outcomes = CollectionRun(ssh: ssh, concurrency: concurrency, inventory: inventory).run(nodes) {
            progress.finished($0)
        }
        progress.end()
        let elapsed = ContinuousClock.now - started
        switch format {
        case .json:
            FileHandle.standardOutput.write(try CollectionSummary.json(outcomes, elapsed: elapsed) + Data("\n".utf8))
        case .table:
            print(CollectionSummary.table(outcomes, elapsed: elapsed), terminator: "")
        }
        if outcomes.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}

/// What a person at a terminal sees while nodes are collected: a redrawn line (done/total, failed, elapsed), or, when
/// standard error is not a terminal (or with `NO_COLOR` or `--no-progress`), one plain line per node.
final class CollectionProgress: Sendable {
    private let total: Int
    private let redrawn: Bool
    private let started = ContinuousClock.now
    private let counts = LockedValue((done: 0, failed: 0))

    init(total: Int, redrawn: Bool) {
        self.total = total
        self.redrawn = redrawn
    }

    func finished(_ outcome: CollectionRun.Outcome) {
        let line = counts.withLock { counts -> String in
            counts.done += 1
            if outcome.error != nil { counts.failed += 1 }
            if redrawn {
                return "\r\u{1B}[Kcollecting: \(counts.done)/\(total) done, \(counts.failed) failed, "
                    + "\(Self.seconds(ContinuousClock.now - started)) s"
            }
            let result = outcome.error.map { "failed: \($0)" } ?? "collected"
            return "[\(counts.done)/\(total)] node \(outcome.node.id) (\(outcome.target)): \(result) in "
                + "\(Self.seconds(outcome.duration)) s\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func end() {
        if redrawn && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

/// The summary `nodes collect` prints at the end: a table, or JSON.
enum CollectionSummary {
    static func table(_ outcomes: [CollectionRun.Outcome], elapsed: Duration) -> String {
        let header = ["NODE", "NAME", "TARGET", "STATUS", "SECONDS", "ERROR"]
        let rows = outcomes.map { outcome in
            [
                String(outcome.node.id.rawValue), outcome.node.name, outcome.target,
                outcome.error == nil ? "collected" : "FAILED", CollectionProgress.seconds(outcome.duration),
                outcome.error ?? "",
            ]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        let failed = outcomes.count(where: { $0.error != nil })
        return table.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
            + "collected \(outcomes.count - failed) of \(outcomes.count) node(s) in "
            + "\(CollectionProgress.seconds(elapsed)) s; \(failed) failed\n"
    }

    private struct Entry: Encodable {
        var outcome: CollectionRun.Outcome

        enum CodingKeys: String, CodingKey {
            case id, name, host, target, status, error
            case duration = "duration_seconds"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(outcome.node.id.rawValue, forKey: .id)
            try container.encode(outcome.node.name, forKey: .name)
            try container.encode(outcome.node.host, forKey: .host)
            try container.encode(outcome.target, forKey: .target)
            try container.encode(outcome.error == nil ? "collected" : "failed", forKey: .status)
            try container.encode(outcome.error, forKey: .error)
            try container.encode(Double(CollectionProgress.seconds(outcome.duration)), forKey: .duration)
        }
    }

    private struct Summary: Encodable {
        var total: Int
        var succeeded: Int
        var failed: Int
        var elapsed: Double
        var nodes: [Entry]

        enum CodingKeys: String, CodingKey {
            case total, succeeded, failed, nodes
            case elapsed = "elapsed_seconds"
        }
    }

    static func json(_ outcomes: [CollectionRun.Outcome], elapsed: Duration) throws -> Data {
        let failed = outcomes.count(where: { $0.error != nil })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(
            Summary(
                total: outcomes.count, succeeded: outcomes.count - failed, failed: failed,
                elapsed: Double(CollectionProgress.seconds(elapsed)) ?? 0, nodes: outcomes.map(Entry.init)))
    }
}
