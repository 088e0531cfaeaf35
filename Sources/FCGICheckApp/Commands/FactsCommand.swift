import ArgumentParser
import CheckDomain
import Foundation

/// `fcgi-check facts`: prints this machine's facts as JSON, or the collection script.
struct FactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facts",
        abstract: "Print this machine's facts (OS, systemd, kernel, CPUs, memory, limits, ...) as JSON.",
        discussion: """
            The facts are gathered by the same POSIX sh script `nodes collect` sends to each node over SSH, run here \
            with /bin/sh, and judged by the same code. A fact that cannot be read is printed as null (unknown), never \
            guessed.

            With --script, prints that script instead, for sites that run commands on their nodes through Ansible, \
            Salt or a console: its output is what `fcgi-check nodes facts ID --raw FILE` stores.

            Examples:
              fcgi-check facts
              fcgi-check facts --script > collect.sh
              fcgi-check facts --script | ssh node4 sh -s | fcgi-check nodes facts 4 --raw -
            """
    )

    @Flag(help: "Print the collection script instead of running it.")
    var script = false

    func run() throws {
        if script {
            print(CollectionScript.whole, terminator: "")
            return
        }
        let timeout = 30
        let result = CollectionSession(arguments: ["/bin/sh", "-s"], timeout: .seconds(timeout)).run()
        switch result.facts(timeout: timeout, connectTimeout: nil, collectedAt: Date()) {
        case .success(let facts):
            FileHandle.standardOutput.write(try facts.jsonData(pretty: true) + Data("\n".utf8))
        case .failure(let error):
            throw CommandFailure("cannot collect this machine's facts: \(error)")
        }
    }
}
