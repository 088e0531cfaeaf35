import ArgumentParser
import CheckDomain
import Foundation

/// `fcgi-check nodes ...`: manages the node inventory.
struct NodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "Manage the node inventory.",
        discussion: """
            Example, from an empty machine to a node with facts:
              fcgi-check nodes add --id 4 --name node4 --host 10.0.0.4
              ssh 10.0.0.4 fcgi-check facts | fcgi-check nodes facts 4 -
              fcgi-check nodes list
            """,
        subcommands: [Add.self, List.self, Remove.self, Import.self, Facts.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a node (creates the inventory if it does not exist).",
            discussion: "Example:\n  fcgi-check nodes add --id 4 --name node4 --host 10.0.0.4"
        )
        @OptionGroup var options: InventoryOptions
        @Option(help: "The node id (members refer to it as node_id).") var id: Int64
        @Option(help: "The node's name.") var name: String
        @Option(help: "The node's address, used in messages.") var host: String

        func validate() throws {
            guard !name.isEmpty else { throw ValidationError("--name must not be empty") }
            guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        }

        func run() throws {
            let inventory = try options.open(.createIfMissing)
            try inventory.add(Node(id: NodeID(id), name: name, host: host, facts: NodeFacts()))
            print("added node \(id) (\(name), \(host)) to \(inventory.path)")
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
            print("removed node \(id) from \(inventory.path)")
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
            print("imported \(entries.count) node(s) into \(inventory.path)")
        }
    }

    struct Facts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a node's facts with the output of `fcgi-check facts` collected on it.",
            discussion: "Example:\n  ssh node4 fcgi-check facts | fcgi-check nodes facts 4 -"
        )
        @OptionGroup var options: InventoryOptions
        @Argument(help: "The node id.") var id: Int64
        @Argument(help: "The facts JSON file, or - for standard input.") var file: String

        func run() throws {
            let facts = try NodeListing.parseFacts(try readInput(file), context: file == "-" ? "standard input" : file)
            let inventory = try options.open(.existing)
            try inventory.replaceFacts(of: NodeID(id), with: facts)
            print("stored the facts of node \(id) in \(inventory.path)")
        }
    }
}
