import Foundation
import Testing

/// `/docs`, `/redoc`, `/ui`, `/nodes` and `/fix-script` through the shipped nginx configuration in front of the real
/// binary: what each answers under each policy, the headers the pages need, what nginx admits from this machine and
/// refuses from another address, and the fix scripts equal to `fcgi-check check --fix-script`'s. (The pages working
/// in a browser is `Tests/Browser`.)
@Suite(.ownThreads) struct PagesEndToEndTests {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func get(_ port: UInt16, _ target: String, headers: [String] = [], from source: String? = nil) throws
        -> HTTPReply
    {
        try HTTPClient.send(
            port: port, HTTPClient.request("GET", target, contentType: nil, headers: headers), from: source)
    }

    @Test func docsUnderTheReferenceSettingAndRedocLeadsThere() throws {
        let service = try NginxFrontedService()
        let docs = try get(service.port, "/docs")
        #expect(docs.status == 200)
        #expect(docs.header("Content-Type") == "text/html; charset=utf-8")
        #expect(docs.header("Content-Security-Policy") == Self.contentSecurityPolicy)
        #expect(docs.header("X-Content-Type-Options") == "nosniff")
        #expect(docs.text.contains("<html lang=\"zh-CN\">") && docs.text.contains("/assets/docs.js"))
        #expect(!docs.text.contains("href=\"/ui\""), "no /ui under compat = \"reference\"")
        let english = try get(service.port, "/docs", headers: ["Accept-Language: en-US,en;q=0.9"])
        #expect(english.text.contains("<html lang=\"en\">") && english.header("Content-Language") == "en")
        let redoc = try get(service.port, "/redoc")
        #expect(redoc.status == 307 && redoc.header("Location") == "/docs")
        for path in ["/assets/docs.js", "/assets/common.js", "/assets/pages.css", "/assets/strings.json"] {
            let asset = try get(service.port, path)
            #expect(
                asset.status == 200 && asset.header("Content-Security-Policy") == Self.contentSecurityPolicy, "\(path)")
        }
        // The rest of the reference's path space is as it was.
        for path in ["/ui", "/nodes", "/checks", "/assets/nothing.js"] {
            #expect(try get(service.port, path).text == #"{"detail":"Not Found"}"#, "\(path)")
        }
        let fixes = try HTTPClient.send(
            port: service.port,
            HTTPClient.request("POST", "/fix-script", body: Array(NginxContractTests.referenceRequest.utf8)))
        #expect(fixes.status == 404)
    }

    @Test func theCheckPageAndTheNodeListAreForThisMachineOnly() throws {
        let service = try NginxFrontedService(policy: nil)
        let page = try get(service.port, "/ui")
        #expect(page.status == 200 && page.header("Content-Security-Policy") == Self.contentSecurityPolicy)
        #expect(page.text.contains("/assets/ui.js") && !page.text.contains("{{"))
        let nodes = try get(service.port, "/nodes")
        #expect(nodes.status == 200)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(nodes.body)) as? [[String: Any]])
        #expect(listed.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(listed.map { $0["host"] as? String } == ["172.16.70.101", "172.16.70.102", "172.16.70.103"])
        #expect(Set(listed[0].keys) == ["id", "name", "host", "facts_collected_at", "facts_age_seconds"])
        // From another address of this machine, as from any other host: nginx refuses them, in the API's JSON.
        for path in ["/ui", "/nodes"] {
            let refused = try get(service.port, path, from: "127.0.0.2")
            #expect(refused.status == 403 && refused.text == #"{"detail":"Forbidden"}"#, "\(path)")
        }
        // The API and its page are for everyone.
        #expect(try get(service.port, "/docs", from: "127.0.0.2").status == 200)
        #expect(try get(service.port, "/assets/ui.js", from: "127.0.0.2").status == 200)
        #expect(try get(service.port, "/nodes", headers: []).status == 200)
        let posted = try HTTPClient.send(port: service.port, HTTPClient.request("POST", "/nodes", body: []))
        #expect(posted.status == 405 && posted.header("Allow") == "GET")
    }

    @Test func theFixScriptsAreWhatTheCommandPrints() throws {
        let service = try NginxFrontedService(policy: nil)
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let proposal = directory.appendingPathComponent("proposal.json")
        try Data(NginxContractTests.referenceRequest.utf8).write(to: proposal)
        for (language, arguments) in [
            ("zh", [String]()), ("en", ["--lang", "en", "--checks", "check_swap,check_selinux"]),
        ] {
            let query = language == "en" ? "?checks=check_swap,check_selinux" : ""
            let reply = try HTTPClient.send(
                port: service.port,
                HTTPClient.request(
                    "POST", "/fix-script" + query, body: Array(NginxContractTests.referenceRequest.utf8),
                    headers: ["Accept-Language: \(language)"]))
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "text/x-shellscript; charset=utf-8")
            #expect(reply.header("Content-Disposition") == #"attachment; filename="fcgi-check-fix-scripts.sh""#)
            let printed = try Self.fixScript(arguments + [proposal.path])
            #expect(printed.status == 1)
            #expect(reply.body == printed.output, "\(language)")
        }
        // A proposal the API refuses is refused here alike.
        let unknown = #"{"name":"c","members":[{"node_id":9,"name":"m","host":"h","port":1}]}"#
        let refused = try HTTPClient.send(
            port: service.port, HTTPClient.request("POST", "/fix-script", body: Array(unknown.utf8)))
        let api = try HTTPClient.post(port: service.port, unknown)
        #expect(refused.status == 422 && refused.body == api.body)
    }

    /// `fcgi-check check --demo --fix-script ARGUMENTS`: its exit status and the bytes it printed.
    static func fixScript(_ arguments: [String]) throws -> (status: Int32, output: [UInt8]) {
        try TestEnvironment.runBinary(["check", "--demo", "--fix-script"] + arguments)
    }
}
