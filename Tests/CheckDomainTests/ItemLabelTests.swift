import Testing

@testable import CheckDomain

struct ItemLabelTests {
    @Test func aLabelHoldsItsNameDescriptionAndTheAnswersBytesBeforeTheFailures() {
        let label = ItemLabel(name: "check_x", description: "检查 \"x\"\n\u{1}")
        #expect(label.name == "check_x")
        #expect(label.description == "检查 \"x\"\n\u{1}")
        #expect(Array(label.head) == CheckItemResult.head(name: "check_x", description: "检查 \"x\"\n\u{1}"))
        #expect(
            String(decoding: label.head, as: UTF8.self)
                == #"{"name":"check_x","description":"检查 \"x\"\n\u0001","not_success_nodes":["#)
    }

    @Test func labelsAreInternedSoThatRegisteringAgainMakesNoNewOne() async {
        let first = ItemLabel(name: "check_interned", description: "one")
        #expect(ItemLabel(name: "check_interned", description: "one").head.baseAddress == first.head.baseAddress)
        #expect(ItemLabel(name: "check_interned", description: "two").head.baseAddress != first.head.baseAddress)
        #expect(ItemLabel(name: "check_interned_", description: "one").head.baseAddress != first.head.baseAddress)
        // Registries made on many threads at once (policy reloads, tests) share one label of each.
        let addresses = await withTaskGroup(of: UInt.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    UInt(bitPattern: ItemLabel(name: "check_raced", description: "raced").head.baseAddress)
                }
            }
            var addresses = Set<UInt>()
            for await address in group { addresses.insert(address) }
            return addresses
        }
        #expect(addresses.count == 1)
    }

    @Test func twoRegistriesOfOnePolicyLabelTheirResultsAlike() throws {
        let proposal = ClusterProposal.on([1, 2])
        let inventory = CountingInventory()
        let first = try ClusterCheck(registry: Policy().registry()).run(proposal, reader: inventory.makeReader())
        let second = try ClusterCheck(registry: Policy().registry()).run(proposal, reader: inventory.makeReader())
        #expect(first.results == second.results)
        #expect(CheckItemResult.responseBody(first.results) == CheckItemResult.responseBody(second.results))
        // A result made from strings writes the same bytes as the registry's.
        let made = first.results.map {
            CheckItemResult(name: $0.name, description: $0.description, notSuccessNodes: $0.notSuccessNodes)
        }
        #expect(
            CheckItemResult.responseBody(made, fields: .extended)
                == CheckItemResult.responseBody(first.results, fields: .extended))
    }
}
