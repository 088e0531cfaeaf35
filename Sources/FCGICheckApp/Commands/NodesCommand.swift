import ArgumentParser
import CheckDomain
import Foundation

/// `fcgi-check nodes ...`: manages the node inventory.
struct NodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "Manage the node inventory.",
        discussion: """
            Example, from an empty machine to a node with facts (nothing of ours installed on the node):
              fcgi-check nodes add --id 4 --name node4 --host 10.0.0.4 --ssh-user ops
              fcgi-check nodes collect --all
              fcgi-check nodes list
            """,
        subcommands: [Add.self, List.self, Remove.self, Import.self, Facts.self, CollectCommand.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a node (creates the inventory if it does not exist).",
            discussion: """
                Examples:
                  fcgi-check nodes add --id 4 --name node4 --host 10.0.0.4
                  fcgi-check nodes add --id 5 --name node5 --host 10.0.0.5 --ssh-user ops --ssh-host 192.168.9.5 --ssh-port 2222
                """
        )
        @OptionGroup var options: InventoryOptions
        @Option(help: "The node id (members refer to it as node_id).") var id: Int64
        @Option(help: "The node's name.") var name: String
        @Option(help: "The node's address, used in messages (and by nodes collect unless --ssh-host).") var host: String
        @Option(help: "The user nodes collect logs in as (default: --user, else ssh's own).") var sshUser: String?
        @Option(help: "The address nodes collect connects to (default: --host).") var sshHost: String?
        @Option(help: "The SSH port (default: --port, else ssh's own).") var sshPort: Int?

        func validate() throws {
            guard !name.isEmpty else { throw ValidationError("--name must not be empty") }
            for (flag, value) in [("--host", host), ("--ssh-user", sshUser), ("--ssh-host", sshHost)] {
                if let value, let problem = NodeListing.sshWordProblem(value) {
                    throw ValidationError("\(flag) \(problem)")
                }
            }
            if let sshPort, !(1...65535).contains(sshPort) {
                throw ValidationError("--ssh-port must be a port (1-65535)")
            }
        }

        func run() throws {
            let inventory = try options.open(.createIfMissing)
            try inventory.add(
                Node(
                    id: NodeID(id), name: name, host: host, facts: NodeFacts(), sshUser: sshUser, sshHost: sshHost,
                    sshPort: sshPort))
            print("added node \(id) (\(name), \(host)) to \(inventory.displayName)")
        }
    }

    struct List: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

        static let configuration = CommandConfiguration(
            abstract: "List the nodes and their facts.",
            discussion: "Examples:\n  fcgi-check nodes list\n  fcgi-check nodes list --format json > nodes.json"
        )
        @OptionGroup var options: InventoryOptions
        @Option(help: "table (for people) or json (the format nodes import reads).") var format: Format = .table

        func run() throws {
            let nodes = try options.open(.existing).allNodes()
            switch format {
            case .json:
                FileHandle.standardOutput.write(try NodeListing.json(nodes) + Data("\n".utf8))
            case .table:
                print(NodeListing.table(nodes), terminator: "")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a node.",
            discussion: "Example:\n  fcgi-check nodes remove 4"
        )
        @OptionGroup var options: InventoryOptions
        @Argument(help: "The node id.") var id: Int64

        func run() throws {
            let inventory = try options.open(.existing)
            try inventory.remove(NodeID(id))
            print("removed node \(id) from \(inventory.displayName)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update nodes from a JSON list, all or nothing.",
            discussion: """
                The file is a JSON array of {"id": 4, "name": "node4", "host": "10.0.0.4", "facts": {...}}; "facts" \
                is optional (the output of `fcgi-check facts`) and a node imported without it keeps the facts it \
                had. One bad entry rejects the whole file, naming the entry and the field, and nothing is written.

                Examples:
                  fcgi-check nodes import nodes.json
                  fcgi-check nodes list --format json | fcgi-check nodes import --inventory copy.sqlite -
                """
        )
        @OptionGroup var options: InventoryOptions
        @Argument(help: "The JSON file, or - for standard input.") var file: String

        func run() throws {
            let entries = try NodeListing.parseImport(try readInput(file))
            let inventory = try options.open(.createIfMissing)
            try inventory.upsert(entries)
            print("imported \(entries.count) node(s) into \(inventory.displayName)")
        }
    }

    struct Facts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a node's facts with facts collected on it by other means.",
            discussion: """
                FILE is the JSON `fcgi-check facts` prints; with --raw, the output of the collection script \
                (`fcgi-check facts --script`) run on the node by any tool (Ansible, Salt, a console), judged here \
                exactly as `nodes collect` judges it. Unknown keys and bad values are refused, naming them, and \
                nothing is changed.

                Examples:
                  fcgi-check facts --script | ssh node4 sh -s | fcgi-check nodes facts 4 --raw -
                  fcgi-check nodes facts 4 node4-facts.json
                """
        )
        @OptionGroup var options: InventoryOptions
        @Argument(help: "The node id.") var id: Int64
        @Argument(help: "The facts JSON file, or - for standard input.") var file: String?
        @Option(
            help: ArgumentHelp("The collection script's output: a file, or - for standard input.", valueName: "file"))
        var raw: String?

        func validate() throws {
            if (file == nil) == (raw == nil) {
                throw ValidationError("give either a facts JSON file or --raw FILE (one of them)")
            }
        }

        func run() throws {
            let facts: NodeFacts
            let now = Date()
            if let raw {
                let dump: FactDump
                do {
                    dump = try FactDump(parsing: try readInput(raw))
                } catch let failure as FactDump.Failure {
                    throw CommandFailure("\(raw == "-" ? "standard input" : raw): \(failure); nothing stored")
                }
                facts = FactCollector.facts(from: dump, exchange: nil, collectedAt: now)
            } else if let file {
                facts = try NodeListing.parseFacts(
                    try readInput(file), context: file == "-" ? "standard input" : file)
            } else {
                return
            }
            let inventory = try options.open(.existing)
            try inventory.replaceFacts(of: NodeID(id), with: facts, at: now)
            print("stored the facts of node \(id) in \(inventory.displayName)")
        }
    }
}
