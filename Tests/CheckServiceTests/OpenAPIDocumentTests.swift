import CheckDomain
import Foundation
import Testing

@testable import CheckService

/// `/openapi.json` is data (`Resources/openapi.json`): the numbers and names the code owns are checked against it
/// here rather than typed into it and trusted.
@Suite struct OpenAPIDocumentTests {
    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
    }

    static func text() -> String { String(decoding: OpenAPIDocument.bytes, as: UTF8.self) }

    /// The pages are for a browser and stay out of `paths` (as FastAPI leaves its own out); the description names
    /// them, and the router answers them.
    @Test func itNotesThePagesTheRouterServes() throws {
        let info = try #require(try Self.document()["info"] as? [String: Any])
        let description = try #require(info["description"] as? String)
        let router = Router(policy: Policy(), logger: .init(label: "test"))
        for page in ["/docs", "/ui", "/redoc", "/assets/"] {
            #expect(description.contains("`\(page)") || description.contains("`GET \(page)"), "\(page)")
        }
        for page in ["/docs", "/ui", "/redoc", "/assets/ui.js"] {
            let response = router.respond(to: HTTPRequest(method: "GET", path: page), reader: DemoInventory())
            #expect([200, 307].contains(response.status), "\(page)")
        }
    }

    /// The example of `POST /fix-script` is what `FixScript` renders for the finding it shows.
    @Test func itsFixScriptExampleIsWhatTheScriptsSay() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        let post = try #require((paths["/fix-script"] as? [String: Any])?["post"] as? [String: Any])
        let content = try #require(
            ((post["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])
        let example = try #require(
            (content["text/x-shellscript; charset=utf-8"] as? [String: Any])?["example"] as? String)
        let registry = Policy().registry()
        let proposal = ClusterProposal(
            name: "c1",
            members: [Member(nodeID: BigInteger(2), name: "m2", host: "172.16.70.102", port: BigInteger(5432))])
        let run = try ClusterCheck(registry: registry).run(
            proposal, reader: DemoInventory(), selection: try registry.selecting(["check_swap"]).get(),
            language: .english)
        #expect(FixScript(results: run.results, nodes: run.nodes).render() == example)
    }

    @Test func itDescribesEveryPathTheRouterAnswers() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/", "/checks", "/nodes", "/fix-script", "/status", "/ping", "/openapi.json"])
        let router = Router(policy: Policy(), logger: .init(label: "test"))
        for path in paths.keys {
            let response = router.respond(to: HTTPRequest(method: "GET", path: path), reader: DemoInventory())
            #expect(response.status != 404, "\(path)")
        }
    }

    @Test func itsVersionIsTheServiceVersion() throws {
        let info = try #require(try Self.document()["info"] as? [String: Any])
        #expect(info["version"] as? String == ServiceVersion.current)
    }

    @Test func theLimitsItStatesAreTheDecodersLimits() {
        let text = Self.text()
        #expect(text.contains("nested \(PythonJSONParser.maximumDepth + 1) levels or deeper"))
        let digits = PythonJSONParser.maximumIntegerDigits.formatted(
            .number.grouping(.automatic).locale(.init(identifier: "en_US")))
        #expect(text.contains("an integer of over \(digits) digits"), "\(digits)")
    }

    @Test func itsExampleOfChecksNamesItemsOfTheCatalogue() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        let post = try #require((paths["/"] as? [String: Any])?["post"] as? [String: Any])
        let parameters = try #require(post["parameters"] as? [[String: Any]])
        let checks = try #require(parameters.first { $0["name"] as? String == "checks" })
        let example = try #require(checks["example"] as? String)
        for name in example.split(separator: ",") { #expect(CheckCatalogue.names.contains(String(name)), "\(name)") }
    }

    @Test func itNamesEveryCheckItemOfTheCatalogue() throws {
        let schemas = try #require((try Self.document()["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let name = try #require(schemas["CheckItemName"] as? [String: Any])
        #expect(name["enum"] as? [String] == CheckCatalogue.names)
        let description = try #require(name["description"] as? String)
        for item in CheckCatalogue.names { #expect(description.contains("- `\(item)`: "), "\(item)") }
    }

    /// The example of `GET /checks` is the default policy's answer: every item, every key, every default.
    @Test func itsCatalogueExampleIsTheDefaultCatalogue() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        let get = try #require((paths["/checks"] as? [String: Any])?["get"] as? [String: Any])
        let content = try #require(
            ((get["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])
        let example = try #require((content["application/json"] as? [String: Any])?["example"] as? [Any])
        let body = Policy().registry().catalogueBody(language: .english)
        let actual = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [Any])
        #expect(NSArray(array: example).isEqual(to: actual))
        let documented = example.compactMap { ($0 as? [String: Any])?["name"] as? String }
        #expect(documented == CheckCatalogue.names)
    }
}
