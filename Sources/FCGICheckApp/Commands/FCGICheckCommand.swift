import ArgumentParser
import CheckService

/// `fcgi-check`: the cluster pre-flight check service and its tools.
@main
struct FCGICheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fcgi-check",
        abstract: "Cluster pre-flight checks, served over FastCGI behind nginx.",
        discussion: """
            A web console POSTs a proposed cluster to / and gets, for every check item, the nodes that did not pass.
            Examples:
              fcgi-check nodes import nodes.json
              fcgi-check serve --inventory /var/lib/fcgi-check/inventory.sqlite --listen unix:/run/fcgi-check/fcgi-check.sock
            """,
        version: ServiceVersion.current,
        subcommands: [ServeCommand.self, NodesCommand.self, FactsCommand.self, CheckCommand.self]
    )
}
