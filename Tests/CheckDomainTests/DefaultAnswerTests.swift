import Foundation
import Testing

@testable import CheckDomain

/// The default answer, the reference setting, languages and selections, on the demo inventory.
@Suite struct DefaultAnswerTests {
    func body(_ policy: Policy, _ ids: [Int64] = [1, 2, 3], language: Language = .chinese) throws -> String {
        let results = try ClusterCheck(registry: policy.registry()).results(
            on: DemoInventory(), .on(ids), language: language)
        return String(decoding: CheckItemResult.responseBody(results, fields: policy.fields), as: UTF8.self)
    }

    @Test func theReferenceSettingGivesTheReferenceBytes() throws {
        #expect(try body(.reference) == ClusterCheckTests.referenceBody)
    }

    @Test func theDefaultAnswerStartsWithTheReferencesTwoEntries() throws {
        let results = try ClusterCheck(registry: Policy().registry()).results(
            on: DemoInventory(),
            .on([1, 2, 3]))
        let reference = try ClusterCheck(registry: .standard).results(on: DemoInventory(), .on([1, 2, 3]))
        #expect(results.count == CheckCatalogue.items.count)
        for (ours, theirs) in zip(results.prefix(2), reference) {
            #expect(ours.name == theirs.name && ours.description == theirs.description)
            #expect(ours.notSuccessNodes.map(\.nodeID) == theirs.notSuccessNodes.map(\.nodeID))
            #expect(ours.notSuccessNodes.map(\.message) == theirs.notSuccessNodes.map(\.message))
        }
        let text = try body(Policy())
        #expect(
            text.hasPrefix(
                #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1","level":"fail","expected":">= 7.2","actual":"7.1","fix":null}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231","level":"fail","expected":">= 214, != 231","actual":"231","fix":null},"#
            ), "\(text)")
    }

    @Test func englishMessagesAndDescriptions() throws {
        let text = try body(Policy(), [1], language: .english)
        #expect(
            text.hasPrefix(
                #"[{"name":"check_os_version","description":"Operating system version","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 OS version is too old: centos 7.1, at least 7.2 needed","#
            ), "\(text)")
        #expect(!text.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
    }

    @Test func aSelectionRunsOnlyThoseInPolicyOrder() throws {
        let registry = Policy().registry()
        let selection = try registry.selecting(["check_swap", "check_os_version", "check_swap"]).get()
        #expect(selection.names == ["check_os_version", "check_swap"])
        let results = try ClusterCheck(registry: registry).results(
            on: DemoInventory(), .on([1, 2, 3]), selection: selection)
        #expect(results.map(\.name) == ["check_os_version", "check_swap"])
        #expect(results[1].notSuccessNodes.map(\.nodeID) == [NodeID(2)])
    }

    @Test func unknownNamesAreAllReportedWithTheKnownOnes() throws {
        let registry = Policy.reference.registry()
        guard case .failure(let error) = registry.selecting(["check_swap", "check_os_version", "", "check_swap"])
        else {
            Issue.record("accepted")
            return
        }
        #expect(error.unknown == ["check_swap", ""])
        #expect(
            String(decoding: ValidationIssue.responseBody(error.issues), as: UTF8.self)
                == #"{"detail":[{"type":"unknown_check","loc":["query","checks"],"msg":"Unknown check item 'check_swap'; known: check_os_version, check_systemd_version","input":"check_swap","ctx":{"known":["check_os_version","check_systemd_version"]}},{"type":"unknown_check","loc":["query","checks"],"msg":"Unknown check item ''; known: check_os_version, check_systemd_version","input":"","ctx":{"known":["check_os_version","check_systemd_version"]}}]}"#
        )
    }

    @Test func aLongSelectionOfUnknownNamesReportsOnlyTheFirstTwenty() {
        let names = (0..<2_500).map { "x\($0)" } + ["x0", "check_os_version"]
        guard case .failure(let error) = Policy().registry().selecting(names) else {
            Issue.record("accepted")
            return
        }
        #expect(error.unknown == (0..<20).map { "x\($0)" })
        // Each issue names every known item twice (its message and its ctx): bounded by the catalogue, not the query.
        let perIssue = 300 + 2 * Policy.catalogue.joined(separator: "\", \"").utf8.count
        #expect(ValidationIssue.responseBody(error.issues).count < 20 * perIssue)
    }

    @Test func theCatalogueListsNamesDescriptionsAndThresholds() {
        let text = String(decoding: Policy().registry().catalogueBody(language: .chinese), as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"[{"name":"check_os_version","description":"检查操作系统版本","thresholds":{"minimum":{"almalinux":"8","anolis":"8","centos":"7.2","debian":"10","kylin":"V10","ol":"7.2","openeuler":"20.03","rhel":"7.2","rocky":"8","ubuntu":"18.04"},"default_minimum":"7.2"}},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","thresholds":{"minimum":214,"banned":[231]}},"#
            ), "\(text)")
        #expect(
            text.contains(
                #"{"name":"check_memory","description":"检查内存大小","thresholds":{"minimum_mib":3584,"recommended_mib":7680}}"#
            ))
        let english = String(decoding: Policy.reference.registry().catalogueBody(language: .english), as: UTF8.self)
        #expect(english.hasPrefix(#"[{"name":"check_os_version","description":"Operating system version","#))
    }

    @Test(
        arguments: [
            (nil, Language.chinese), ("", .chinese), ("en", .english), ("en-US,en;q=0.9", .english),
            ("EN-gb", .english), ("zh-CN,zh;q=0.9,en;q=0.8", .chinese), ("en;q=0.5, zh;q=0.6", .chinese),
            ("fr-FR, en;q=0.3", .english), ("fr", .chinese), ("*", .chinese), ("en;q=0", .chinese),
            ("zh;q=0, en;q=0.1", .english), ("en;q=abc", .chinese), ("zh-Hans-CN", .chinese),
            (" en ; q=1.0 ", .english),
            ("de;q=1, en;q=0.2, zh;q=0.2", .english),
            // `*` stands for the languages not named: not for one excluded by q=0, nor above one named lower.
            ("zh;q=0, *", .english), ("en;q=0, *", .chinese), ("*;q=0.5, en;q=0.9", .english),
            ("zh;q=0.1, *;q=0.5", .english), ("*, en", .chinese), ("en-US;q=0.3, en;q=0.9, zh;q=0.5", .english),
        ] as [(String?, Language)])
    func acceptLanguage(header: String?, language: Language) {
        #expect(Language.preferred(byAcceptLanguage: header) == language)
    }
}
