import CheckDomain
import Foundation
import Testing

/// The catalogue through a real nginx in front of the real binary: the default answer, `?checks=`,
/// `Accept-Language`, `GET /checks`, `GET /openapi.json`, and `serve --policy` with good and bad files.
@Suite(.serialized, .ownThreads) struct CatalogueEndToEndTests {
    static let request = Array(NginxContractTests.referenceRequest.utf8)

    func json(_ reply: HTTPReply) throws -> Any { try JSONSerialization.jsonObject(with: Data(reply.body)) }

    func entries(_ reply: HTTPReply) throws -> [[String: Any]] {
        try #require(try json(reply) as? [[String: Any]], "\(reply.text)")
    }

    @Test func theDefaultAnswerStartsWithTheReferencesTwoEntries() throws {
        let service = try NginxFrontedService(policy: nil)
        let reply = try HTTPClient.send(port: service.port, HTTPClient.request("POST", "/", body: Self.request))
        #expect(reply.status == 200)
        let ours = try entries(reply)
        let reference = try #require(
            try JSONSerialization.jsonObject(with: Data(NginxContractTests.referenceResponse.utf8)) as? [[String: Any]])
        #expect(ours.count == CheckCatalogue.names.count)
        for (mine, theirs) in zip(ours.prefix(2), reference) {
            #expect(mine["name"] as? String == theirs["name"] as? String)
            #expect(mine["description"] as? String == theirs["description"] as? String)
            let myNodes = try #require(mine["not_success_nodes"] as? [[String: Any]])
            let theirNodes = try #require(theirs["not_success_nodes"] as? [[String: Any]])
            #expect(myNodes.map { $0["node_id"] as? Int } == theirNodes.map { $0["node_id"] as? Int })
            #expect(myNodes.map { $0["message"] as? String } == theirNodes.map { $0["message"] as? String })
        }
        // The reference's keys come first in each node object, the added ones after.
        #expect(
            reply.text.hasPrefix(
                #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1","level":"fail","expected":">= 7.2","actual":"7.1","fix":null}]},{"name":"check_systemd_version","#
            ))
        #expect(ours.map { $0["name"] as? String } == CheckCatalogue.names)
    }

    @Test func checksAndAcceptLanguageThroughNginx() throws {
        let service = try NginxFrontedService(policy: nil)
        let chosen = try HTTPClient.send(
            port: service.port,
            HTTPClient.request(
                "POST", "/?checks=check_swap,check_os_version", body: Self.request,
                headers: ["Accept-Language: en-US,en;q=0.9,zh;q=0.8"]))
        #expect(chosen.status == 200)
        #expect(
            chosen.text
                == #"[{"name":"check_os_version","description":"Operating system version","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 OS version is too old: centos 7.1, at least 7.2 needed","level":"fail","expected":">= 7.2","actual":"7.1","fix":null}]},{"name":"check_swap","description":"Swap is off","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 has 2.0 GiB of swap; turn swap off","level":"fail","expected":"0","actual":"2.0 GiB","fix":"swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab"}]}]"#
        )
        let chinese = try HTTPClient.send(
            port: service.port,
            HTTPClient.request(
                "POST", "/?checks=check_swap", body: Self.request, headers: ["Accept-Language: zh-CN,zh;q=0.9,en;q=0.5"]
            ))
        #expect(chinese.text.contains("172.16.70.102 未关闭 swap, 当前 swap 为 2.0 GiB"))
        let unknown = try HTTPClient.send(
            port: service.port, HTTPClient.request("POST", "/?checks=check_os_version,check_disk", body: Self.request))
        #expect(unknown.status == 422)
        let known = CheckCatalogue.names
        #expect(
            unknown.text
                == #"{"detail":[{"type":"unknown_check","loc":["query","checks"],"msg":"Unknown check item 'check_disk'; known: "#
                + known.joined(separator: ", ") + #"","input":"check_disk","ctx":{"known":[""#
                + known.joined(separator: #"",""#) + #""]}}]}"#
        )
        #expect(known.count == 24 && known.last == "check_numa_irqbalance")
        let empty = try HTTPClient.send(port: service.port, HTTPClient.request("POST", "/?checks=", body: Self.request))
        #expect(empty.status == 422 && empty.text.contains(#""input":"""#))
    }

    @Test func getChecksAndTheOpenAPIDocumentThroughNginx() throws {
        let service = try NginxFrontedService(policy: nil)
        let catalogue = try HTTPClient.send(
            port: service.port, HTTPClient.request("GET", "/checks", contentType: nil, headers: ["Accept-Language: en"])
        )
        #expect(catalogue.status == 200 && catalogue.header("Content-Type") == "application/json")
        let items = try entries(catalogue)
        #expect(items.map { $0["name"] as? String } == CheckCatalogue.names)
        #expect(items.first?["description"] as? String == "Operating system version")
        let systemd = try #require(items.first { $0["name"] as? String == "check_systemd_version" })
        let thresholds = try #require(systemd["thresholds"] as? [String: Any])
        #expect(thresholds["minimum"] as? Int == 214 && thresholds["banned"] as? [Int] == [231])
        let post = try HTTPClient.send(port: service.port, HTTPClient.request("POST", "/checks", body: Self.request))
        #expect(post.status == 405 && post.header("Allow") == "GET" && post.text == #"{"detail":"Method Not Allowed"}"#)

        let document = try HTTPClient.send(
            port: service.port, HTTPClient.request("GET", "/openapi.json", contentType: nil))
        #expect(document.status == 200 && document.header("Content-Type") == "application/json")
        let openAPI = try #require(try json(document) as? [String: Any])
        #expect(openAPI["openapi"] as? String == "3.1.0")
        #expect(
            Set((openAPI["paths"] as? [String: Any] ?? [:]).keys) == [
                "/", "/checks", "/nodes", "/fix-script", "/status", "/ping", "/openapi.json",
            ])
    }

    @Test func theReferenceSettingIgnoresQueryAndLanguageAndHasNoChecksPath() throws {
        let service = try NginxFrontedService()  // deploy/policy.reference.toml
        let reply = try HTTPClient.send(
            port: service.port,
            HTTPClient.request(
                "POST", "/?checks=check_disk", body: Self.request, headers: ["Accept-Language: en"]))
        #expect(reply.status == 200 && reply.text == NginxContractTests.referenceResponse)
        let catalogue = try HTTPClient.send(port: service.port, HTTPClient.request("GET", "/checks", contentType: nil))
        #expect(catalogue.status == 404 && catalogue.text == #"{"detail":"Not Found"}"#)
    }

    @Test func aPolicyFileChoosesItemsOrderAndThresholds() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.toml")
        try Data(
            """
            checks = ["check_cpu_count", "check_os_version"]
            [check_cpu_count]
            minimum = 3
            recommended = 6
            [check_os_version]
            default_minimum = "7.3"
            minimum = { centos = "7.3" }
            """.utf8
        ).write(to: policy)
        let service = try NginxFrontedService(policy: policy.path)
        let reply = try HTTPClient.send(port: service.port, HTTPClient.request("POST", "/", body: Self.request))
        let items = try entries(reply)
        #expect(items.map { $0["name"] as? String } == ["check_cpu_count", "check_os_version"])
        let cpu = try #require(items.first?["not_success_nodes"] as? [[String: Any]])
        #expect(cpu.map { $0["node_id"] as? Int } == [2, 3])
        #expect(cpu.map { $0["level"] as? String } == ["fail", "warn"])
        let os = try #require(items.last?["not_success_nodes"] as? [[String: Any]])
        #expect(os.map { $0["node_id"] as? Int } == [1, 2])
        let catalogue = try HTTPClient.send(port: service.port, HTTPClient.request("GET", "/checks", contentType: nil))
        #expect(catalogue.text.contains(#""thresholds":{"minimum":3,"recommended":6}"#))
    }

    @Test(arguments: [
        ("", "no such file", false),
        ("checks = [\"check_os_version\"\n", "line 1", true),
        ("[check_memory]\nminimum_gib = 4\n", "key check_memory.minimum_gib: unknown key", true),
        (
            "[check_memory]\nminimum_mib = \"4\"\n", "key check_memory.minimum_mib: must be an integer, not a string",
            true
        ),
        ("[check_memory]\nminimum_mib = -4\n", "key check_memory.minimum_mib: must be at least 1, not -4", true),
        ("checks = [\"check_disk\"]\n", "key checks: unknown check item \"check_disk\"", true),
        ("compat = \"strict\"\n", "key compat: must be \"none\" or \"reference\"", true),
    ])
    func aBadPolicyFileStopsStartUpNamingFileKeyAndProblem(text: String, message: String, exists: Bool) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.toml")
        if exists { try Data(text.utf8).write(to: policy) }
        let process = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: ["serve", "--demo", "--listen", "unix:\(directory.path)/s.sock", "--policy", policy.path],
            logURL: directory.appendingPathComponent("out.log")
        )
        let status = process.waitForExit(timeout: .seconds(10))
        #expect(status == 1, "\(process.log)")
        #expect(process.log.contains("Error: policy \(policy.path): "), "\(process.log)")
        #expect(process.log.contains(message), "\(process.log)")
        #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/s.sock"))
    }
}
