import CheckDomain
import Foundation
import Logging
import Testing

@testable import FCGICheckApp

/// `?checks=`, `Accept-Language`, `GET /checks` and `GET /openapi.json` under the default policy, and their absence
/// under `compat = "reference"`.
@Suite struct CatalogueRouteTests {
    static func router(_ policy: Policy) -> Router {
        Router(
            clusterCheck: ClusterCheck(registry: policy.registry(), inventory: DemoInventory()), policy: policy,
            logger: Logger(label: "test"))
    }

    let router = CatalogueRouteTests.router(Policy())
    let reference = CatalogueRouteTests.router(.reference)
    static let body = #"{"name":"c","members":[{"node_id":2,"name":"m","host":"172.16.70.102","port":5432}]}"#

    func request(_ method: String, _ uri: String, query: String = "", language: String? = nil) -> HTTPRequest {
        HTTPRequest(
            method: method, path: HTTPRequest.path(ofRequestURI: uri), contentType: "application/json",
            body: method == "POST" ? Array(Self.body.utf8) : [], query: query, acceptLanguage: language)
    }

    func text(_ route: Router.Route) -> (Int, String)? {
        guard case .respond(let response) = route else { return nil }
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func checksSelectsItemsAndAcceptLanguageTheLanguage() async throws {
        let route = router.route(request("POST", "/", query: "checks=check_swap%2Ccheck_os_version", language: "en"))
        guard case .check(let job) = route else {
            Issue.record("not routed to the checks")
            return
        }
        #expect(job.selection?.names == ["check_os_version", "check_swap"] && job.language == .english)
        let response = await router.check(job)
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"[{"name":"check_os_version","description":"Operating system version","not_success_nodes":[]},{"name":"check_swap","description":"Swap is off","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 has 2.0 GiB of swap; turn swap off","level":"fail","expected":"0","actual":"2.0 GiB","fix":"swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab"}]}]"#
        )
    }

    @Test(arguments: ["checks=check_disk", "checks=", "checks=check_swap,,", "x=1&checks=check_swap&checks=nope"])
    func unknownNamesAre422ListingTheKnownOnes(query: String) throws {
        let (status, body) = try #require(text(router.route(request("POST", "/", query: query))))
        #expect(status == 422)
        #expect(
            body.hasPrefix(#"{"detail":[{"type":"unknown_check","loc":["query","checks"],"msg":"Unknown check item '"#))
        #expect(body.contains(#""ctx":{"known":["check_os_version","check_systemd_version","check_kernel_version","#))
    }

    @Test func aBadBodyIsReportedBeforeTheQuery() throws {
        var bad = request("POST", "/", query: "checks=nope")
        bad.body = Array("{".utf8)
        let (status, body) = try #require(text(router.route(bad)))
        #expect(status == 422 && body.contains("json_invalid"))
    }

    @Test func theReferenceSettingIgnoresTheQueryAndTheLanguage() {
        guard case .check(let job) = reference.route(request("POST", "/", query: "checks=nope", language: "en")) else {
            Issue.record("not routed to the checks")
            return
        }
        #expect(job.selection == nil && job.language == .chinese)
    }

    @Test func getChecksListsTheCatalogue() throws {
        let (status, body) = try #require(text(router.route(request("GET", "/checks", language: "en-US,en;q=0.9"))))
        #expect(status == 200)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == Policy.catalogue)
        #expect(entries.first?["description"] as? String == "Operating system version")
        let memory = try #require(entries.first { $0["name"] as? String == "check_memory" })
        #expect((memory["thresholds"] as? [String: Int]) == ["minimum_mib": 3584, "recommended_mib": 7680])
        let (chineseStatus, chinese) = try #require(text(router.route(request("GET", "/checks?x=1"))))
        #expect(chineseStatus == 200 && chinese.contains(#""description":"检查操作系统版本""#))
    }

    @Test(arguments: ["/checks", "/openapi.json"])
    func otherMethodsOnTheDescribingPathsAre405WithAllowGET(path: String) throws {
        for method in ["POST", "PUT", "DELETE", "HEAD"] {
            guard case .respond(let response) = router.route(request(method, path)) else {
                Issue.record("\(method) \(path) routed to the checks")
                continue
            }
            #expect(response == .detail(405, "Method Not Allowed", headers: [("Allow", "GET")]))
        }
    }

    @Test func theReferenceSettingHasNoChecksPathButServesTheDocument() throws {
        #expect(reference.route(request("GET", "/checks")).isResponse(.detail(404, "Not Found")))
        let (status, body) = try #require(text(reference.route(request("GET", "/openapi.json"))))
        #expect(status == 200 && body.contains(#""openapi": "3.1.0""#))
    }

    @Test func theDocumentIsJSONDescribingEveryPath() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/", "/checks", "/status", "/ping", "/openapi.json"])
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

extension Router.Route {
    func isResponse(_ expected: HTTPResponse) -> Bool {
        if case .respond(let response) = self { return response == expected }
        return false
    }
}
