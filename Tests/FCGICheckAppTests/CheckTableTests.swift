import CheckDomain
import Foundation
import Testing

@testable import FCGICheckApp

/// `fcgi-check check`'s table and its fix footnotes, on the demo inventory.
@Suite struct CheckTableTests {
    func demoRun(language: Language = .english) throws -> ClusterCheck.Run {
        let proposal = ClusterProposal(
            name: "c1",
            members: (1...3).map { id in
                Member(
                    nodeID: BigInteger(Int64(id)), name: "m\(id)", host: "172.16.70.10\(id)", port: BigInteger(5432))
            })
        return try ClusterCheck(registry: Policy().registry()).run(
            proposal, reader: DemoInventory(), language: language)
    }

    @Test func theTableNumbersEachFixOnceAndListsItsCommandUnderneath() throws {
        let run = try demoRun()
        let table = CheckTable(results: run.results, nodes: run.nodes).render(colour: false)
        let lines = table.split(separator: "\n").map(String.init)
        // Both nodes with transparent huge pages to fix share one footnote.
        let thp = lines.filter { $0.contains("check_transparent_hugepages") && $0.contains("[") }
        #expect(thp.count == 2 && Set(thp.map { $0.split(separator: " ").last! }).count == 1, "\(thp)")
        let footnotes = lines.drop { !$0.hasPrefix("Fixes, run on the node as root") }.dropFirst()
        #expect(footnotes.first == "[1] fcgi-check nodes collect 1  (where the inventory is, not on the node)")
        #expect(footnotes.contains("[2] swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab"), "\(footnotes)")
        #expect(footnotes.last == "[15] hostnamectl set-hostname node3", "\(footnotes)")
        #expect(
            footnotes.contains { $0.hasSuffix("fcgi-check nodes collect 1  (where the inventory is, not on the node)") }
        )
        let numbers = Set(lines.compactMap { $0.firstMatch(of: /\[(\d+)\]$/).map { Int($0.1)! } })
        #expect(numbers == Set(1...footnotes.count))
    }
}
