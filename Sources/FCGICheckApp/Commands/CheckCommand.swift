import ArgumentParser
import CheckDomain
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

            Exit status: 0 when no node fails (warnings allowed), 1 when any node fails a check, 2 when the check \
            could not be made: a bad proposal (the API's 422/400 body is printed on standard error), unknown node \
            ids, an unreadable file, policy or inventory, or a bad command line.

            Examples:
              fcgi-check check --demo proposal.json
              fcgi-check check --inventory /var/lib/fcgi-check/inventory.sqlite --policy policy.toml - < proposal.json
              fcgi-check check --demo --format json --lang en --checks check_os_version,check_swap proposal.json
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

    func run() throws {
        do {
            try check()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as UnknownNodesError {
            let answer = String(decoding: ValidationIssue.responseBody(error.issues), as: UTF8.self)
            FileHandle.standardError.write(
                Data("Error: \(source) names nodes the inventory does not know (422): \(answer)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func check() throws {
        let policy = try policyOptions.load()
        let inventory = try inventorySource.open()
        let body = [UInt8](try readInput(source))
        let proposal: ClusterProposal
        switch ClusterProposalDecoder.decode(body: body, contentType: "application/json") {
        case .success(let decoded):
            proposal = decoded
        case .failure(.unprocessable(let answer)):
            throw CommandFailure("\(source) is not a valid proposal (422): \(String(decoding: answer, as: UTF8.self))")
        case .failure(.unreadable):
            throw CommandFailure(
                #"\#(source) cannot be parsed (400): {"detail":"There was an error parsing the body"}"#)
        }
        let registry = policy.registry()
        var selection: CheckRegistry?
        var language = Language.chinese
        if policy.honoursRequestOptions {
            language = lang
            if let checks {
                switch registry.selecting(
                    checks.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
                {
                case .success(let chosen): selection = chosen
                case .failure(let error):
                    throw CommandFailure(
                        "--checks: unknown check item \(error.unknown.map { "\"\($0)\"" }.joined(separator: ", ")) "
                            + "(known: \(error.known.joined(separator: ", ")))")
                }
            }
        }
        let clusterCheck = ClusterCheck(registry: registry, inventory: inventory)
        let outcome = try Self.wait { [selection, language] in
            try await clusterCheck.runReportingNodes(proposal, selection: selection, language: language)
        }
        switch format {
        case .json:
            FileHandle.standardOutput.write(Data(CheckItemResult.responseBody(outcome.0, fields: policy.fields)))
        case .table:
            let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            print(CheckTable(results: outcome.0, nodes: outcome.1).render(colour: colour), terminator: "")
        }
        let failed = outcome.0.contains { $0.notSuccessNodes.contains { $0.level == .fail } }
        if failed { throw ExitCode(1) }
    }

    /// Runs async work from this synchronous command and waits for it (the main thread is not a pool thread).
    private static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let result = LockedValue<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
