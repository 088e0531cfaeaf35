import CheckDomain
import Foundation
import Logging
import Testing

@testable import CheckService

/// The pages and their files as the router serves them: what each policy serves, the languages, the headers that
/// keep inline code out, `GET /nodes` and `POST /fix-script`; and the files themselves, whose texts must all exist in
/// both languages and whose markup must hold no inline script, style or event handler.
@Suite struct PageTests {
    static let router = Router(policy: Policy(), logger: Logger(label: "test"))
    static let reference = Router(policy: .reference, logger: Logger(label: "test"))

    func get(
        _ path: String, query: String = "", language: String? = nil, router: Router = PageTests.router,
        reader: any NodeReader = DemoInventory()
    ) -> HTTPResponse {
        router.respond(
            to: HTTPRequest(method: "GET", path: path, query: query, acceptLanguage: language), reader: reader)
    }

    func header(_ response: HTTPResponse, _ name: String) -> String? {
        response.extraHeaders.first { $0.name == name }?.value
    }

    func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test func docsIsServedUnderEveryPolicyAndRedocLeadsThere() {
        for router in [Self.router, Self.reference] {
            let docs = get("/docs", router: router)
            #expect(docs.status == 200 && docs.contentType == "text/html; charset=utf-8")
            #expect(
                header(docs, "Content-Security-Policy")?.hasPrefix("default-src 'none'; script-src 'self';") == true)
            #expect(get("/redoc", router: router) == .temporaryRedirect(to: "/docs"))
            let posted = router.respond(to: HTTPRequest(method: "POST", path: "/docs"), reader: DemoInventory())
            #expect(posted == .methodNotAllowed(allow: "GET"))
        }
        #expect(text(get("/docs")).contains("href=\"/ui\""))
        #expect(!text(get("/docs", router: Self.reference)).contains("href=\"/ui\""))
    }

    @Test func theCheckPageAndWhatOnlyItUsesAreAbsentUnderTheReferenceSetting() {
        #expect(get("/ui").status == 200)
        #expect(get("/nodes").status == 200)
        for path in ["/ui", "/nodes"] { #expect(get(path, router: Self.reference) == .notFound, "\(path)") }
        let fixes = Self.reference.respond(
            to: HTTPRequest(method: "POST", path: "/fix-script", body: Array(CatalogueRouteTests.body.utf8)),
            reader: DemoInventory())
        #expect(fixes == .notFound)
    }

    @Test(arguments: Page.allCases)
    func aPageIsChineseByDefaultAndEnglishWhenAskedEveryMarkerFilled(page: Page) {
        let path = "/\(page.rawValue)"
        let chinese = get(path)
        let english = get(path, language: "en-US,en;q=0.9")
        #expect(text(chinese).contains("<html lang=\"zh-CN\">") && header(chinese, "Content-Language") == "zh-CN")
        #expect(text(english).contains("<html lang=\"en\">") && header(english, "Content-Language") == "en")
        #expect(text(get(path, query: "lang=en", language: "zh")) == text(english))
        #expect(text(get(path, query: "lang=zh", language: "en")) == text(chinese))
        #expect(text(get(path, query: "lang=fr", language: "en")) == text(english))
        for response in [chinese, english] {
            #expect(!text(response).contains("{{") && !text(response).contains("}}"))
            #expect(header(response, "Vary") == "Accept-Language")
        }
        #expect(text(chinese) != text(english))
    }

    @Test func everyTextThePagesUseExistsInBothLanguages() throws {
        let all = PageStrings.all
        let chinese = try #require(all["zh"])
        let english = try #require(all["en"])
        #expect(Set(chinese.keys) == Set(english.keys))
        var used: Set<String> = []
        for template in Page.allCases.map({ String(decoding: $0.template, as: UTF8.self) }) {
            for match in template.matches(of: /\{\{([a-z_.]+)\}\}/) { used.insert(String(match.1)) }
            for match in template.matches(of: /data-t="([a-z_.]+)"/) { used.insert(String(match.1)) }
        }
        for path in ["/assets/common.js", "/assets/docs.js", "/assets/ui.js"] {
            let script = String(decoding: try #require(PageAsset.all[path]).bytes, as: UTF8.self)
            for match in script.matches(of: /\bt\('([a-z_.]+)'/) { used.insert(String(match.1)) }
        }
        used.remove("nav.ui")  // markup, not a text: the link to /ui, or nothing
        #expect(used.count > 50)
        for key in used.sorted() { #expect(chinese[key] != nil && english[key] != nil, "\(key)") }
    }

    /// The Content-Security-Policy would block inline code anyway; the files are kept free of it so that nothing
    /// depends on the policy being lax, and the scripts never turn text into markup.
    @Test func theFilesHoldNoInlineCodeAndTheScriptsNoMarkupFromText() throws {
        for page in Page.allCases {
            let html = String(decoding: page.template, as: UTF8.self)
            #expect(html.matches(of: /<script(?![^>]*\bsrc=)[^>]*>/).isEmpty, "\(page)")
            #expect(!html.contains("<style") && !html.contains(" style="), "\(page)")
            #expect(html.matches(of: /\son[a-z]+\s*=/).isEmpty, "\(page)")
            #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"), "\(page)")
        }
        for (path, asset) in PageAsset.all where path.hasSuffix(".js") {
            let script = String(decoding: asset.bytes, as: UTF8.self)
            for forbidden in [
                "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
            ] {
                #expect(!script.contains(forbidden), "\(path): \(forbidden)")
            }
            #expect(!script.contains("http://") && !script.contains("https://"), "\(path) names another origin")
        }
        let css = String(decoding: try #require(PageAsset.all["/assets/pages.css"]).bytes, as: UTF8.self)
        #expect(!css.contains("@import") && !css.contains("url("))
    }

    @Test func theFilesAreServedWithTheirTypesAndHeaders() {
        let types = [
            "/assets/pages.css": "text/css; charset=utf-8", "/assets/ui.js": "text/javascript; charset=utf-8",
            "/assets/docs.js": "text/javascript; charset=utf-8", "/assets/common.js": "text/javascript; charset=utf-8",
            "/assets/strings.json": "application/json; charset=utf-8", "/assets/favicon.svg": "image/svg+xml",
        ]
        #expect(Set(PageAsset.all.keys) == Set(types.keys))
        for (path, type) in types {
            for router in [Self.router, Self.reference] {
                let response = get(path, router: router)
                #expect(response.status == 200 && response.contentType == type && !response.body.isEmpty, "\(path)")
                #expect(header(response, "X-Content-Type-Options") == "nosniff")
            }
        }
        #expect(get("/assets/other.js") == .notFound)
        #expect(get("/assets") == .notFound)
        let posted = Self.router.respond(
            to: HTTPRequest(method: "POST", path: "/assets/ui.js"), reader: DemoInventory())
        #expect(posted == .methodNotAllowed(allow: "GET"))
    }

    @Test func nodesListsEachNodeWithItsFactsAgeAndNothingElse() throws {
        struct Listed: NodeReader {
            func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] { [:] }
            func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] {
                [
                    NodeSummary(
                        id: NodeID(4), name: "n\"4", host: "10.0.0.4",
                        factsCollectedAt: Date(timeIntervalSinceNow: -3_600.4)),
                    NodeSummary(id: NodeID(5), name: "n5", host: "10.0.0.5", factsCollectedAt: nil),
                ]
            }
        }
        let demo = get("/nodes")
        #expect(demo.contentType == "application/json")
        #expect(
            text(demo)
                == #"[{"id":1,"name":"node1","host":"172.16.70.101","facts_collected_at":null,"facts_age_seconds":null},"#
                + #"{"id":2,"name":"node2","host":"172.16.70.102","facts_collected_at":null,"facts_age_seconds":null},"#
                + #"{"id":3,"name":"node3","host":"172.16.70.103","facts_collected_at":null,"facts_age_seconds":null}]"#
        )
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(get("/nodes", reader: Listed()).body)) as? [[String: Any]])
        #expect(listed[0]["name"] as? String == "n\"4")
        #expect([3_600, 3_601].contains(listed[0]["facts_age_seconds"] as? Int))
        #expect((listed[0]["facts_collected_at"] as? String)?.hasSuffix("Z") == true)
        #expect(listed[1]["facts_collected_at"] is NSNull)
    }

    @Test func nodesAnswers503WithoutTheCauseWhenTheInventoryFails() {
        #expect(get("/nodes", reader: BrokenInventory()) == .inventoryUnavailable)
    }

    @Test func theFixScriptsAreTheRunsAndARefusalIsPostSlashs() throws {
        let body = Array(NginxReference.request.utf8)
        let request = HTTPRequest(method: "POST", path: "/fix-script", contentType: "application/json", body: body)
        let response = Self.router.respond(to: request, reader: DemoInventory())
        #expect(response.status == 200 && response.contentType == "text/x-shellscript; charset=utf-8")
        let run = try Self.router.proposals.check(body: body, contentType: "application/json", reader: DemoInventory())
            .get()
        #expect(text(response) == FixScript(results: run.results, nodes: run.nodes).render())
        let unknown = Array(#"{"name":"c","members":[{"node_id":9,"name":"m","host":"h","port":1}]}"#.utf8)
        for path in ["/", "/fix-script"] {
            let refused = Self.router.respond(
                to: HTTPRequest(method: "POST", path: path, contentType: "application/json", body: unknown),
                reader: DemoInventory())
            #expect(refused.status == 422 && text(refused).contains("node_id: 9 未找到"), "\(path)")
        }
        let got = get("/fix-script")
        #expect(got == .methodNotAllowed(allow: "POST"))
    }
}

/// The reference service's request, for the tests of this target.
enum NginxReference {
    static let request =
        #"{"name": "c1", "members": [{"node_id": 1, "name": "m1", "host": "172.16.70.101", "port": 5432}, "#
        + #"{"node_id": 2, "name": "m2", "host": "172.16.70.102", "port": 5432}, "#
        + #"{"node_id": 3, "name": "m3", "host": "172.16.70.103", "port": 5432}]}"#
}
