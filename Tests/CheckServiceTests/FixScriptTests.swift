import CheckDomain
import Foundation
import Testing

@testable import CheckService

/// The fix scripts of `fcgi-check check --fix-script` and `POST /fix-script`, on the demo inventory and on findings
/// made up to carry what a hostile node could put in them.
@Suite struct FixScriptTests {
    static let proposal = ClusterProposal(
        name: "c1",
        members: (1...3).map { id in
            Member(nodeID: BigInteger(Int64(id)), name: "m\(id)", host: "172.16.70.10\(id)", port: BigInteger(5432))
        })

    func demoRun(language: Language = .english) throws -> ClusterCheck.Run {
        try ClusterCheck(registry: Policy().registry()).run(
            Self.proposal, reader: DemoInventory(), language: language)
    }

    /// Runs `script` with `sh -n` (parse only): the scripts must be valid POSIX sh whatever the findings say.
    func parses(_ script: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-n"]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The script of node `id`, from its `#!/bin/sh` line to its `exit` line.
    func script(of id: Int, in text: String) throws -> String {
        let scripts = text.components(separatedBy: "\n#!/bin/sh\n").dropFirst().map { "#!/bin/sh\n" + $0 }
        return try #require(scripts.first { $0.contains("# fcgi-check fix script for node \(id) (") })
    }

    @Test func oneScriptPerNodeWithEachFixCommentedAndGuarded() throws {
        let run = try demoRun()
        let text = FixScript(results: run.results, nodes: run.nodes).render()
        #expect(try parses(text))
        // The output as a whole runs nothing: piped to sh by mistake, it exits at once.
        let firstCommand = text.split(separator: "\n").first { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(firstCommand?.hasPrefix("exit 64") == true)
        #expect(text.components(separatedBy: "\n#!/bin/sh\n").count == 4)
        let node2 = try script(of: 2, in: text)
        #expect(try parses(node2))
        #expect(node2.hasSuffix("\nexit \"$failed\"\n"))
        #expect(
            node2.contains(
                """
                # check_swap (fail): 172.16.70.102 has 2.0 GiB of swap; turn swap off
                # expected 0, actual 2.0 GiB
                { swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab; } || { echo 'fcgi-check: the fix for check_swap failed' >&2; failed=1; }
                """), "\(node2)")
        #expect(node2.contains("# check_port_in_use (fail): 172.16.70.102 port 5432 of member m2 is already in use"))
        #expect(node2.contains("# No fix command: this needs a person's decision."))
        // Run where the inventory is, not on the node: a comment, never a command.
        #expect(node2.contains("# Not on this node: run where the inventory is: fcgi-check nodes collect 2\n"))
        // Only that node's findings.
        #expect(!node2.contains("172.16.70.101") && !node2.contains("172.16.70.103 "))
    }

    @Test func everyFixOfANodeIsInItsScriptExactlyOnce() throws {
        let run = try demoRun()
        let text = FixScript(results: run.results, nodes: run.nodes).render()
        for node in run.nodes {
            let script = try script(of: Int(node.id.rawValue), in: text)
            for result in run.results {
                for failure in result.notSuccessNodes where failure.nodeID == node.id {
                    guard let fix = failure.fix else { continue }
                    #expect(script.components(separatedBy: fix).count == 2, "\(result.name) on \(node.id)")
                }
            }
        }
    }

    @Test func whatANodeReportedNeverEscapesAComment() throws {
        let node = Node(id: NodeID(7), name: "n7\nreboot", host: "10.0.0.7", facts: NodeFacts())
        let results = [
            CheckItemResult(
                name: "check_hostname", description: "",
                notSuccessNodes: [
                    NodeFailure(
                        nodeID: NodeID(7), message: "10.0.0.7 host name is x\nrm -rf /\r", expected: "a\u{2028}b",
                        actual: "x\nreboot", fix: "hostnamectl set-hostname x\nreboot")
                ]),
            CheckItemResult(
                name: "check_swap", description: "",
                notSuccessNodes: [NodeFailure(nodeID: NodeID(7), message: "swap", fix: "swapoff -a")]),
        ]
        let text = FixScript(results: results, nodes: [node]).render()
        #expect(try parses(text))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Every line is a comment, blank, or one of the script's own commands.
        for line in lines where !line.isEmpty && !line.hasPrefix("#") {
            let own =
                line.hasPrefix("exit ") || line == "failed=0" || line.hasPrefix("{ swapoff -a; } || {")
            #expect(own, "\(line)")
        }
        #expect(text.contains("# check_hostname (fail): 10.0.0.7 host name is x?rm -rf /?"))
        #expect(text.contains("# expected a?b, actual x?reboot"))
        #expect(text.contains("# The fix is withheld: it holds a control character."))
        #expect(text.contains("# fcgi-check fix script for node 7 (n7?reboot, 10.0.0.7)."))
    }

    @Test func noFindingsNoScripts() {
        let node = Node(id: NodeID(1), name: "n1", host: "h", facts: NodeFacts())
        let text = FixScript(
            results: [CheckItemResult(name: "check_swap", description: "", notSuccessNodes: [])], nodes: [node]
        ).render()
        #expect(text.hasSuffix("# No node has a finding: nothing to fix.\n") && !text.contains("\nexit"))
    }
}
