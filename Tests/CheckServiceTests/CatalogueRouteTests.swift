import CheckDomain
import Foundation
import Logging
import Testing

@testable import CheckService

/// `?checks=`, `Accept-Language`, `GET /checks` and `GET /openapi.json` under the default policy, and their absence
/// under `compat = "reference"`.
@Suite struct CatalogueRouteTests {
    static func router(_ policy: Policy) -> Router { Router(policy: policy, logger: Logger(label: "test")) }

    let router = CatalogueRouteTests.router(Policy())
    let reference = CatalogueRouteTests.router(.reference)
    static let body = #"{"name":"c","members":[{"node_id":2,"name":"m","host":"172.16.70.102","port":5432}]}"#

    func request(_ method: String, _ uri: String, query: String = "", language: String? = nil) -> HTTPRequest {
        HTTPRequest(
            method: method, path: HTTPRequest.path(ofRequestURI: uri), contentType: "application/json",
            body: method == "POST" ? Array(Self.body.utf8) : [], query: query, acceptLanguage: language)
    }

    func text(_ response: HTTPResponse) -> (Int, String)? {
        (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func checksSelectsItemsAndAcceptLanguageTheLanguage() throws {
        let response = router.respond(
            to: request("POST", "/", query: "checks=check_swap%2Ccheck_os_version", language: "en"),
            reader: DemoInventory())
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"[{"name":"check_os_version","description":"Operating system version","not_success_nodes":[]},{"name":"check_swap","description":"Swap is off","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 has 2.0 GiB of swap; turn swap off","level":"fail","expected":"0","actual":"2.0 GiB","fix":"swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab"}]}]"#
        )
    }

    @Test(arguments: ["checks=check_disk", "checks=", "checks=check_swap,,", "x=1&checks=check_swap&checks=nope"])
    func unknownNamesAre422ListingTheKnownOnes(query: String) throws {
        let (status, body) = try #require(
            text(router.respond(to: request("POST", "/", query: query), reader: DemoInventory())))
        #expect(status == 422)
        #expect(
            body.hasPrefix(#"{"detail":[{"type":"unknown_check","loc":["query","checks"],"msg":"Unknown check item '"#))
        #expect(body.contains(#""ctx":{"known":["check_os_version","check_systemd_version","check_kernel_version","#))
    }

    @Test func aBadBodyIsReportedBeforeTheQuery() throws {
        var bad = request("POST", "/", query: "checks=nope")
        bad.body = Array("{".utf8)
        let (status, body) = try #require(text(router.respond(to: bad, reader: DemoInventory())))
        #expect(status == 422 && body.contains("json_invalid"))
    }

    @Test func theReferenceSettingIgnoresTheQueryAndTheLanguage() {
        let asked = reference.respond(
            to: request("POST", "/", query: "checks=nope", language: "en"), reader: DemoInventory())
        #expect(asked.status == 200 && asked == reference.respond(to: request("POST", "/"), reader: DemoInventory()))
    }

    @Test func getChecksListsTheCatalogue() throws {
        let (status, body) = try #require(
            text(router.respond(to: request("GET", "/checks", language: "en-US,en;q=0.9"), reader: DemoInventory())))
        #expect(status == 200)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == Policy.catalogue)
        #expect(entries.first?["description"] as? String == "Operating system version")
        let memory = try #require(entries.first { $0["name"] as? String == "check_memory" })
        #expect((memory["thresholds"] as? [String: Int]) == ["minimum_mib": 3584, "recommended_mib": 7680])
        let (chineseStatus, chinese) = try #require(
            text(router.respond(to: request("GET", "/checks?x=1"), reader: DemoInventory())))
        #expect(chineseStatus == 200 && chinese.contains(#""description":"检查操作系统版本""#))
    }

    @Test(arguments: ["/checks", "/openapi.json"])
    func otherMethodsOnTheDescribingPathsAre405WithAllowGET(path: String) throws {
        for method in ["POST", "PUT", "DELETE", "HEAD"] {
            let response = router.respond(to: request(method, path), reader: DemoInventory())
            #expect(response == .detail(405, "Method Not Allowed", headers: [("Allow", "GET")]))
        }
    }

    @Test func theReferenceSettingHasNoChecksPathButServesTheDocument() throws {
        #expect(reference.respond(to: request("GET", "/checks"), reader: DemoInventory()) == .detail(404, "Not Found"))
        let (status, body) = try #require(
            text(reference.respond(to: request("GET", "/openapi.json"), reader: DemoInventory())))
        #expect(status == 200 && body.contains(#""openapi": "3.1.0""#))
    }

    @Test func theDocumentIsJSONDescribingEveryPath() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/", "/checks", "/nodes", "/fix-script", "/status", "/ping", "/openapi.json"])
    }

    @Test(
        arguments: [
            ("", nil), ("a=1", nil), ("checks=a", ["a"]), ("checks=a,b&checks=c", ["a", "b", "c"]),
            ("checks=a%2Cb", ["a", "b"]), ("checks", [""]), ("check%73=a+b", ["a b"]), ("checks=%zz", ["%zz"]),
        ] as [(String, [String]?)])
    func checkNamesFromTheQuery(query: String, names: [String]?) {
        var request = HTTPRequest(method: "POST", path: "/", contentType: nil, body: [])
        request.query = query
        #expect(request.checkNames == names)
    }
}
