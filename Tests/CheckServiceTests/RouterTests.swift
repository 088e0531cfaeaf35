import CheckDomain
import Logging
import Testing

@testable import CheckService

/// An inventory that always fails, with a secret in its error that must never reach a client.
struct BrokenInventory: NodeInventory, NodeReader {
    struct Secret: Error {}
    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] { throw Secret() }
    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] { throw Secret() }
}

@Suite struct RouterTests {
    /// Under `compat = "reference"`: the reference service's routing.
    let router = Router(policy: .reference, logger: Logger(label: "test"))

    func respond(
        _ method: String, _ uri: String, _ body: String = "", contentType: String? = "application/json",
        router: Router? = nil
    ) -> HTTPResponse {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let request = HTTPRequest(
            method: method, path: HTTPRequest.path(ofRequestURI: uri), contentType: contentType, body: Array(body.utf8),
            query: parts.count > 1 ? parts[1] : "")
        return (router ?? self.router).respond(to: request, reader: DemoInventory())
    }

    @Test func otherPathsAre404WhateverTheMethod() {
        for method in ["GET", "POST", "DELETE"] {
            #expect(respond(method, "/x?y=1") == .detail(404, "Not Found"))
        }
    }

    @Test func otherMethodsOnTheRootAre405WithAllow() {
        for method in ["GET", "HEAD", "PUT", "PATCH", "OPTIONS", "DELETE"] {
            let response = respond(method, "/")
            #expect(response.status == 405)
            #expect(response.extraHeaders.map(\.name) == ["Allow"])
            #expect(response.extraHeaders.map(\.value) == ["POST"])
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"detail":"Method Not Allowed"}"#)
        }
    }

    @Test func theQueryStringAndTheLanguageAreIgnoredUnderTheReferenceSetting() {
        let body = #"{"name":"c","members":[{"node_id":2,"name":"a","host":"h","port":1}]}"#
        let plain = respond("POST", "/", body)
        let asked = router.respond(
            to: HTTPRequest(
                method: "POST", path: "/", contentType: "application/json", body: Array(body.utf8),
                query: "checks=nope", acceptLanguage: "en"),
            reader: DemoInventory())
        #expect(plain.status == 200 && asked == plain)
    }

    @Test func malformedJSONIs422AndUndecodableBytesAre400() {
        #expect(respond("POST", "/", "{\u{1}").status == 422)
        let undecodable = HTTPRequest(method: "POST", path: "/", contentType: "application/json", body: [0xC3, 0x28])
        #expect(
            router.respond(to: undecodable, reader: DemoInventory())
                == .detail(400, "There was an error parsing the body"))
    }

    @Test func validProposalsGetTheirResultsAndUnknownNodes422() {
        let response = respond("POST", "/", #"{"name":"c","members":[{"node_id":2,"name":"a","host":"h","port":1}]}"#)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("172.16.70.102 当前 systemd 版本为:231"))
        let unknown = respond("POST", "/", #"{"name":"c","members":[{"node_id":5,"name":"a","host":"h","port":1}]}"#)
        #expect(unknown.status == 422)
        #expect(String(decoding: unknown.body, as: UTF8.self).contains("node_id: 5 未找到"))
    }

    @Test func theReferenceRequestIsAnsweredWithTheReferenceBytes() {
        let body =
            #"{"name":"c1","members":[{"node_id":1,"name":"m1","host":"172.16.70.101","port":5432},"#
            + #"{"node_id":2,"name":"m2","host":"172.16.70.102","port":5432},"#
            + #"{"node_id":3,"name":"m3","host":"172.16.70.103","port":5432}]}"#
        let response = respond("POST", "/", body)
        #expect(response.status == 200)
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"}]},"#
                + #"{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},{"node_id":3,"message":"172.16.70.103 当前 systemd 版本为:231"}]}]"#
        )
    }

    /// `POST /` writes its answer as the items find their failures; `fcgi-check check` keeps them and writes them
    /// after: the same bytes, whatever the policy, the items asked for and the language.
    @Test func aPostAnswerIsTheBytesOfItsRunKeptAsValues() {
        let body =
            #"{"name":"c","members":[{"node_id":3,"name":"a","host":"h","port":1},"#
            + #"{"node_id":1,"name":"b","host":"172.16.70.101","port":0},{"node_id":3,"name":"c","host":"h","port":1}]}"#
        for policy in [Policy.reference, Policy()] {
            let router = Router(policy: policy, logger: Logger(label: "test"))
            let proposals = ProposalCheck(policy: policy)
            for (query, language) in [("", "zh"), ("", "en"), ("checks=check_os_version,check_member_port", "en")] {
                let request = HTTPRequest(
                    method: "POST", path: "/", contentType: "application/json", body: Array(body.utf8), query: query,
                    acceptLanguage: language)
                let answered = router.respond(to: request, reader: DemoInventory())
                guard
                    case .success(var run) = proposals.check(
                        body: request.body, contentType: request.contentType,
                        options: ProposalCheck.Options(request), reader: DemoInventory())
                else {
                    Issue.record("the proposal was refused")
                    continue
                }
                #expect(answered.status == 200)
                #expect(
                    String(decoding: answered.body, as: UTF8.self)
                        == String(decoding: proposals.responseBody(&run), as: UTF8.self))
            }
        }
    }

    @Test func inventoryFailuresAre503WithoutInternals() {
        let request = HTTPRequest(
            method: "POST", path: "/", contentType: "application/json",
            body: Array(#"{"name":"c","members":[{"node_id":1,"name":"a","host":"h","port":1}]}"#.utf8))
        let response = router.respond(to: request, reader: BrokenInventory())
        #expect(response == .detail(503, "Node inventory unavailable"))
    }

    @Test func aRequestPastItsDeadlineIs504() {
        let request = HTTPRequest(
            method: "POST", path: "/", contentType: "application/json",
            body: Array(#"{"name":"c","members":[{"node_id":1,"name":"a","host":"h","port":1}]}"#.utf8))
        let response = router.respond(to: request, reader: DemoInventory(), deadline: .now - .seconds(1))
        #expect(response == .detail(504, "Gateway Timeout"))
    }

    @Test func requestURIsLoseTheirQueryString() {
        #expect(HTTPRequest.path(ofRequestURI: "/?a=b") == "/")
        #expect(HTTPRequest.path(ofRequestURI: "/x?") == "/x")
        #expect(HTTPRequest.path(ofRequestURI: "//") == "//")
        #expect(HTTPRequest.path(ofRequestURI: "") == "/")
        #expect(HTTPRequest.path(ofRequestURI: "?a") == "/")
        #expect(HTTPRequest.path(ofRequestURI: "/checks?a?b") == "/checks")
        #expect(HTTPRequest.path(ofRequestURI: "/nodes") == "/nodes")
        #expect(HTTPRequest.path(ofRequestURI: "/é?x=ü") == "/é")
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

    /// The common head, made from a prefix kept once, is the head `writeCGIHead` writes, for bodies of every length.
    @Test func theJSONHeadIsTheOneWrittenInFull() {
        for length in [0, 1, 9, 10, 437, 10_557, 1_048_576] {
            let response = HTTPResponse.json(200, Array(repeating: 0x20, count: length))
            var written: [UInt8] = []
            response.writeCGIHead(into: &written)
            #expect(response.cgiHead == written)
            #expect(
                String(decoding: response.cgiHead, as: UTF8.self)
                    == "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n")
        }
    }

    /// An answer its writer left where it wrote it is the same response as one made from an array.
    @Test func aWrittenBodyIsTheSameResponseAsAnArrayBody() {
        for text in ["", "[]", #"{"detail":"中"}"#, String(repeating: "x", count: 10_557)] {
            var writer = PythonJSONWriter()
            Array(text.utf8).withUnsafeBufferPointer { writer.raw($0) }
            let written = HTTPResponse.json(200, writer.written())
            let array = HTTPResponse.json(200, Array(text.utf8))
            #expect(written == array)
            #expect(written.body == Array(text.utf8) && written.bodyCount == text.utf8.count)
            #expect(written.cgiHead == array.cgiHead)
            guard case .written = written.content else {
                Issue.record("the written body was copied into an array")
                continue
            }
            // A body set anew replaces what was written, its length and head with it.
            var replaced = written
            replaced.body = [0x31]
            guard case .bytes([0x31]) = replaced.content else {
                Issue.record("the body set was not kept")
                continue
            }
            #expect(replaced.bodyCount == 1 && replaced == HTTPResponse.json(200, [0x31]))
            #expect(replaced.cgiHead == HTTPResponse.json(200, [0x31]).cgiHead)
        }
    }

    @Test func contentLengthCountsBytesNotCharacters() {
        let response = HTTPResponse.json(200, Array("[\"中\"]".utf8))
        #expect(String(decoding: response.cgiHead, as: UTF8.self).contains("Content-Length: 7\r\n"))
    }
}
