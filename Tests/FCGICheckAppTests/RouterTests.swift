import CheckDomain
import Logging
import Testing

@testable import FCGICheckApp

@Suite struct RouterTests {
    /// Under `compat = "reference"`: the reference service's routing.
    let router = Router(
        clusterCheck: ClusterCheck(registry: .standard, inventory: DemoInventory()),
        policy: .reference,
        logger: Logger(label: "test")
    )

    func request(_ method: String, _ uri: String, _ body: String = "", contentType: String? = "application/json")
        -> HTTPRequest
    {
        HTTPRequest(
            method: method,
            path: HTTPRequest.path(ofRequestURI: uri),
            contentType: contentType,
            body: Array(body.utf8)
        )
    }

    func immediate(_ route: Router.Route) -> HTTPResponse? {
        if case .respond(let response) = route { return response }
        return nil
    }

    @Test func otherPathsAre404WhateverTheMethod() {
        for method in ["GET", "POST", "DELETE"] {
            let response = immediate(router.route(request(method, "/x?y=1")))
            #expect(response == .detail(404, "Not Found"))
        }
    }

    @Test func otherMethodsOnTheRootAre405WithAllow() throws {
        for method in ["GET", "HEAD", "PUT", "PATCH", "OPTIONS", "DELETE"] {
            let response = try #require(immediate(router.route(request(method, "/"))))
            #expect(response.status == 405)
            #expect(response.extraHeaders.map(\.name) == ["Allow"])
            #expect(response.extraHeaders.map(\.value) == ["POST"])
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"detail":"Method Not Allowed"}"#)
        }
    }

    @Test func theQueryStringIsIgnored() {
        let route = router.route(request("POST", "/?checks=all", #"{"name":"c","members":[]}"#))
        guard case .check(let job) = route else {
            Issue.record("not routed to the checks")
            return
        }
        #expect(job.proposal.name == "c" && job.selection == nil && job.language == .chinese)
    }

    @Test func malformedJSONIs422AndUndecodableBytesAre400() {
        let response = immediate(router.route(request("POST", "/", "{\u{1}")))
        #expect(response?.status == 422)
        let undecodable = HTTPRequest(method: "POST", path: "/", contentType: "application/json", body: [0xC3, 0x28])
        #expect(immediate(router.route(undecodable)) == .detail(400, "There was an error parsing the body"))
    }

    @Test func validProposalsGetTheirResults() async {
        let proposal = ClusterProposal(
            name: "c",
            members: [Member(nodeID: BigInteger(2), name: "a", host: "h", port: BigInteger(1))]
        )
        let response = await router.check(.init(proposal: proposal))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("172.16.70.102 当前 systemd 版本为:231"))
        let unknown = await router.check(
            .init(
                proposal: ClusterProposal(
                    name: "c", members: [Member(nodeID: BigInteger(5), name: "a", host: "h", port: BigInteger(1))]))
        )
        #expect(unknown.status == 422)
    }

    @Test func inventoryFailuresAre503WithoutInternals() async {
        struct Broken: NodeInventory {
            struct Secret: Error {}
            func nodes(withIDs ids: [NodeID]) async throws -> [NodeID: Node] { throw Secret() }
        }
        let broken = Router(
            clusterCheck: ClusterCheck(registry: .standard, inventory: Broken()),
            policy: .reference,
            logger: Logger(label: "test")
        )
        let response = await broken.check(
            .init(
                proposal: ClusterProposal(
                    name: "c", members: [Member(nodeID: BigInteger(1), name: "a", host: "h", port: BigInteger(1))]))
        )
        #expect(response == .detail(503, "Node inventory unavailable"))
    }
}

@Suite struct HTTPResponseTests {
    @Test func cgiHeaderBlockAsNginxExpectsIt() {
        let response = HTTPResponse.detail(405, "Method Not Allowed", headers: [("Allow", "POST")])
        #expect(
            String(decoding: response.cgiHead + response.body, as: UTF8.self)
                == "Status: 405 Method Not Allowed\r\nContent-Type: application/json\r\nAllow: POST\r\n"
                + "Content-Length: 31\r\n\r\n{\"detail\":\"Method Not Allowed\"}"
        )
    }

    @Test func contentLengthCountsBytesNotCharacters() {
        let response = HTTPResponse.json(200, Array("[\"中\"]".utf8))
        #expect(String(decoding: response.cgiHead, as: UTF8.self).contains("Content-Length: 7\r\n"))
    }
}

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("unix:/run/fcgi-check.sock", ListenAddress.unix(path: "/run/fcgi-check.sock")),
        ("127.0.0.1:9000", .tcp(host: "127.0.0.1", port: 9000)),
        ("[::1]:9000", .tcp(host: "::1", port: 9000)),
        ("localhost:80", .tcp(host: "localhost", port: 80)),
    ])
    func parsesListenAddresses(text: String, expected: ListenAddress) {
        #expect(ListenAddress(text) == expected)
    }

    @Test(arguments: ["unix:", "9000", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", ":9000", "host:port"])
    func refusesNonsense(text: String) {
        #expect(ListenAddress(text) == nil)
    }

    @Test func requestURIsLoseTheirQueryString() {
        #expect(HTTPRequest.path(ofRequestURI: "/?a=b") == "/")
        #expect(HTTPRequest.path(ofRequestURI: "/x?") == "/x")
        #expect(HTTPRequest.path(ofRequestURI: "//") == "//")
        #expect(HTTPRequest.path(ofRequestURI: "") == "/")
    }
}
