import Foundation
import Testing

@testable import CheckDomain

/// The items that judge one node's settings. Each: pass, fail, warn where it has one, an unknown fact, and a fact
/// absent by nature.
@Suite struct NodeSettingsCheckTests {
    /// What one item says about one node (id 1, host 10.1.1.1, name n1) with these facts, as the only member.
    func findings(
        _ name: String, _ facts: NodeFacts, language: Language = .chinese, policy: Policy = Policy()
    ) throws -> [NodeFailure] {
        let item = try #require(policy.item(named: name))
        let node = Node(id: NodeID(1), name: "n1", host: "10.1.1.1", facts: facts)
        let proposal = ClusterProposal(
            name: "c", members: [Member(nodeID: BigInteger(1), name: "m1", host: "10.1.1.1", port: BigInteger(5432))])
        let context = RequestContext(proposal: proposal, reader: FixedInventory(nodes: [node]), language: language)
        let found = try item.failures(in: context)
        try #require(found.count <= 1)
        return found
    }

    /// Facts with only these set.
    static func facts(_ set: (inout NodeFacts) -> Void) -> NodeFacts {
        var facts = NodeFacts()
        set(&facts)
        return facts
    }

    // MARK: - What fixes and messages are made of

    @Test(arguments: [
        ("/data", "/data"), ("/mnt/usb disk", "'/mnt/usb disk'"), ("it's", #"'it'\''s'"#), ("", "''"),
        ("$(reboot)", "'$(reboot)'"), ("a;b", "'a;b'"), ("/数据", "'/数据'"),
    ])
    func shellWordsAreQuotedWhenTheyNeedIt(text: String, quoted: String) {
        #expect(ShellWord.quoted(text) == quoted)
    }

    @Test func aShellWordWithAControlCharacterIsRefused() {
        for text in ["a\nb", "a\rb", "a\u{0}b", "a\u{1B}[31m"] { #expect(ShellWord.quoted(text) == nil) }
    }

    @Test func sizesInGiBRoundAsPrintfDoes() {
        for bytes in stride(from: Int64(1) << 30, to: Int64(1) << 40, by: 7_919_999_999) + [
            Int64(3_973_316_608), 2_147_479_552, 1 << 40, Int64.max,
        ] {
            #expect(ByteSize.text(bytes) == String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)), "\(bytes)")
        }
        #expect(ByteSize.text(512 << 20) == "512 MiB")
    }
}
