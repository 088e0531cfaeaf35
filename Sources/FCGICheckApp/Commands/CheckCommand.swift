import ArgumentParser
import CheckDomain
import CheckService
import Foundation

/// `fcgi-check check FILE|-`: the API's checks on a proposal file, in the terminal, without nginx.
struct CheckCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a proposed cluster, as POST / does, and print the results.",
        discussion: """
            Reads the proposal (the body of POST /) from FILE, or standard input for -, runs the policy's check items \
            on the inventory's nodes, and prints a table of node x check (pass, warn, fail and the message; in colour \
            on a terminal unless NO_COLOR is set), or with --format json exactly the body POST / would answer.

            With --fix-script, prints instead one POSIX sh script per node with findings: the fix command of each \
            finding that has one (each idempotent), commented with the check item and the finding, for you to review \
            and run on that node as root. fcgi-check runs none of them.

            Exit status: 0 when no node fails (warnings allowed), 1 when any node fails a check, 2 when the check \
            could not be made: a bad proposal (the API's 422/400 body is printed on standard error), unknown node \
            ids, an unreadable file, policy or inventory, or a bad command line.

            Examples:
              fcgi-check check --demo proposal.json
              fcgi-check check --inventory /var/lib/fcgi-check/inventory.sqlite --policy policy.toml - < proposal.json
              fcgi-check check --demo --format json --lang en --checks check_os_version,check_swap proposal.json
              fcgi-check check --inventory /var/lib/fcgi-check/inventory.sqlite --fix-script proposal.json
            """
    )

    @Argument(help: ArgumentHelp("The proposal: a JSON file, or - for standard input.", valueName: "file"))
    var source: String

    @OptionGroup var inventorySource: InventorySourceOptions

    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: "table (for people) or json (the API's response body, byte for byte).")
    var format: Format = .table

    @Option(help: "The language of messages: zh or en (as Accept-Language; ignored under compat = \"reference\").")
    var lang: Language = .chinese

    @Option(help: "Comma-separated check items to run instead of all (as ?checks=).")
    var checks: String?

    @Flag(help: "Print one sh script per node with the fix commands of its findings, for review; nothing is run.")
    var fixScript = false

    func validate() throws {
        if fixScript && format == .json {
            throw ValidationError("--fix-script prints scripts, not JSON: leave out --format json")
        }
    }

    func run() throws {
        do {
            try check()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Runs the very pipeline of `POST /` on the file's bytes.
    private func check() throws {
        let policy = try policyOptions.load()
        let inventory = try inventorySource.open()
        let body = [UInt8](try readInput(source))
        let proposals = ProposalCheck(policy: policy)
        let options = ProposalCheck.Options(
            checkNames: checks.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) },
            language: lang)
        var run: ClusterCheck.Run
        switch proposals.check(
            body: body, contentType: "application/json", options: options, reader: try inventory.makeReader())
        {
        case .success(let checked):
            run = checked
        case .failure(let refusal):
            throw CommandFailure(describing(refusal))
        }
        switch format {
        case _ where fixScript:
            print(FixScript(results: run.results, nodes: run.nodes).render(), terminator: "")
        case .json:
            FileHandle.standardOutput.write(Data(proposals.responseBody(&run)))
        case .table:
            let colour = Posix.isTerminal(STDOUT_FILENO) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            print(CheckTable(results: run.results, nodes: run.nodes).render(colour: colour), terminator: "")
        }
        let failed = run.results.contains { $0.notSuccessNodes.contains { $0.level == .fail } }
        if failed { throw ExitCode(1) }
    }

    /// Why the proposal could not be checked, with the answer `POST /` would give.
    private func describing(_ refusal: ProposalCheck.Refusal) -> String {
        let answer = String(decoding: refusal.response.body, as: UTF8.self)
        switch refusal {
        case .unparsable: return "\(source) cannot be parsed (400): \(answer)"
        case .invalid: return "\(source) is not a valid proposal (422): \(answer)"
        case .unknownChecks(let error):
            return "--checks: unknown check item \(error.unknown.map { "\"\($0)\"" }.joined(separator: ", ")) "
                + "(known: \(error.known.joined(separator: ", ")))"
        case .unknownNodes: return "\(source) names nodes the inventory does not know (422): \(answer)"
        case .inventoryUnavailable(let error): return "the inventory cannot be read: \(error)"
        case .timedOut: return "the check timed out"
        }
    }
}
