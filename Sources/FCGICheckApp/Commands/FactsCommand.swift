import ArgumentParser
import CheckDomain
import Foundation

/// `fcgi-check facts`: prints this machine's facts as JSON.
struct FactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facts",
        abstract: "Print this machine's facts (OS, systemd, kernel, CPUs, memory, ...) as JSON.",
        discussion: """
            Run it on each node and attach the output to the node in the inventory. A fact that cannot be read is \
            printed as null (unknown), never guessed.

            Example:
              ssh node4 fcgi-check facts | fcgi-check nodes facts 4 -
            """
    )

    func run() throws {
        let data = try FactCollector().collect().jsonData(pretty: true)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
