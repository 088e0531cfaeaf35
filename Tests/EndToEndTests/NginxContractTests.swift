import Foundation
import Testing

/// The API contract through a real nginx (deploy/nginx/fcgi-check.conf) in front of the real binary.
@Suite(.serialized, .ownThreads) struct NginxContractTests {
    static let referenceRequest =
        #"{"name": "c1", "members": [{"node_id": 1, "name": "m1", "host": "172.16.70.101", "port": 5432}, {"node_id": 2, "name": "m2", "host": "172.16.70.102", "port": 5432}, {"node_id": 3, "name": "m3", "host": "172.16.70.103", "port": 5432}]}"#
    static let referenceResponse =
        #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},{"node_id":3,"message":"172.16.70.103 当前 systemd 版本为:231"}]}]"#

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: [UInt8]
        var status: Int
        var body: String?
        var allow: String? = nil
        var testDescription: String { name }
    }

    static let missingBody = #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#
    static let parseError = #"{"detail":"There was an error parsing the body"}"#

    static let cases: [Case] = [
        Case(
            name: "reference request", request: HTTPClient.request("POST", "/", body: Array(referenceRequest.utf8)),
            status: 200, body: referenceResponse),
        Case(
            name: "query string is ignored",
            request: HTTPClient.request("POST", "/?debug=1&x", body: Array(referenceRequest.utf8)), status: 200,
            body: referenceResponse),
        Case(
            name: "charset parameter",
            request: HTTPClient.request(
                "POST", "/", body: Array(referenceRequest.utf8), contentType: "application/json; charset=utf-8"),
            status: 200, body: referenceResponse),
        Case(
            name: "chunked body (empty CONTENT_LENGTH)",
            request: HTTPClient.request("POST", "/", body: Array(referenceRequest.utf8), chunked: true), status: 200,
            body: referenceResponse),
        Case(
            name: "UTF-16 body with BOM",
            request: HTTPClient.request(
                "POST", "/",
                body: [0xFF, 0xFE] + referenceRequest.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
            status: 200, body: referenceResponse
        ),
        Case(
            name: "duplicates, order of first appearance, inventory host",
            request: HTTPClient.request(
                "POST", "/",
                body: Array(
                    #"{"name":"c","members":[{"node_id":3,"name":"a","host":"1.1.1.1","port":1},{"node_id":"1","name":"b","host":"h","port":2},{"node_id":3.0,"name":"c","host":"h","port":3}]}"#
                        .utf8)),
            status: 200,
            body:
                #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":3,"message":"172.16.70.103 当前 systemd 版本为:231"}]}]"#
        ),
        Case(
            name: "empty member list",
            request: HTTPClient.request("POST", "/", body: Array(#"{"name":"c","members":[]}"#.utf8)),
            status: 200,
            body:
                #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[]}]"#
        ),
        Case(
            name: "every validation error listed",
            request: HTTPClient.request(
                "POST", "/",
                body: Array(
                    #"{"name":7,"members":[{"node_id":"x","name":"a","host":"h"},{"node_id":1.5,"name":"b","host":"h","port":[]}]}"#
                        .utf8)),
            status: 422,
            body:
                #"{"detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":7},{"type":"int_parsing","loc":["body","members",0,"node_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},{"type":"missing","loc":["body","members",0,"port"],"msg":"Field required","input":{"node_id":"x","name":"a","host":"h"}},{"type":"int_from_float","loc":["body","members",1,"node_id"],"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5},{"type":"int_type","loc":["body","members",1,"port"],"msg":"Input should be a valid integer","input":[]}]}"#
        ),
        Case(
            name: "unknown node ids",
            request: HTTPClient.request(
                "POST", "/",
                body: Array(
                    #"{"name":"c","members":[{"node_id":9,"name":"a","host":"h","port":1},{"node_id":1,"name":"b","host":"h","port":1},{"node_id":99999999999999999999,"name":"c","host":"h","port":1}]}"#
                        .utf8)),
            status: 422,
            body:
                #"{"detail":[{"type":"node_not_found","loc":["body","members",0,"node_id"],"msg":"node_id: 9 未找到","input":9},{"type":"node_not_found","loc":["body","members",2,"node_id"],"msg":"node_id: 99999999999999999999 未找到","input":99999999999999999999}]}"#
        ),
        Case(
            name: "invalid JSON",
            request: HTTPClient.request("POST", "/", body: Array("{\"name\": \"中\", }".utf8)),
            status: 422,
            body:
                #"{"detail":[{"type":"json_invalid","loc":["body",14],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#
        ),
        Case(
            name: "empty body with Content-Length: 0", request: HTTPClient.request("POST", "/"), status: 422,
            body: missingBody),
        Case(
            name: "empty body without Content-Length", request: HTTPClient.request("POST", "/", contentLength: false),
            status: 422, body: missingBody),
        Case(
            name: "no Content-Type",
            request: HTTPClient.request("POST", "/", body: Array(#"{"a":1}"#.utf8), contentType: nil),
            status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{\"a\":1}"}]}"#
        ),
        Case(
            name: "invalid UTF-8", request: HTTPClient.request("POST", "/", body: [0x7B, 0xFF, 0x7D]), status: 400,
            body: parseError),
        Case(
            name: "100,000 levels of nesting",
            request: HTTPClient.request("POST", "/", body: Array(String(repeating: "[", count: 100_000).utf8)),
            status: 400, body: parseError),
        Case(
            name: "GET /", request: HTTPClient.request("GET", "/", contentType: nil), status: 405,
            body: #"{"detail":"Method Not Allowed"}"#, allow: "POST"),
        Case(
            name: "PUT /", request: HTTPClient.request("PUT", "/", body: Array(referenceRequest.utf8)), status: 405,
            body: #"{"detail":"Method Not Allowed"}"#, allow: "POST"),
        Case(
            name: "DELETE /", request: HTTPClient.request("DELETE", "/", contentType: nil), status: 405,
            body: #"{"detail":"Method Not Allowed"}"#, allow: "POST"),
        Case(
            name: "other path", request: HTTPClient.request("POST", "/check", body: Array(referenceRequest.utf8)),
            status: 404, body: #"{"detail":"Not Found"}"#),
        Case(
            name: "trailing slash path", request: HTTPClient.request("POST", "/x/", body: Array(referenceRequest.utf8)),
            status: 404, body: #"{"detail":"Not Found"}"#),
        // nginx refuses these before any app sees them (the reference, without nginx, answers 404/405 JSON): the
        // deploy configuration keeps at least the JSON shape.
        Case(
            name: "encoded dot segments (nginx)", request: HTTPClient.request("GET", "/%2e%2e/", contentType: nil),
            status: 400, body: #"{"detail":"Bad Request"}"#),
        Case(
            name: "malformed percent-encoding (nginx)",
            request: HTTPClient.request("POST", "/%zz", body: Array(referenceRequest.utf8)), status: 400,
            body: #"{"detail":"Bad Request"}"#),
        Case(
            name: "internal error location (nginx)",
            request: HTTPClient.request("GET", "/__fcgi_check_errors/400", contentType: nil), status: 404,
            body: #"{"detail":"Not Found"}"#),
        Case(
            name: "TRACE / (nginx)", request: HTTPClient.request("TRACE", "/", contentType: nil), status: 405,
            body: #"{"detail":"Method Not Allowed"}"#, allow: "POST"),
        Case(
            name: "body over 1 MiB",
            request: HTTPClient.request("POST", "/", body: [UInt8](repeating: 0x20, count: 2 << 20)),
            status: 413, body: #"{"detail":"Request Entity Too Large"}"#
        ),
    ]

    @Test func everyCaseAnswersAsTheContractSays() throws {
        let service = try NginxFrontedService()
        for item in Self.cases {
            let reply = try HTTPClient.send(port: service.port, item.request)
            #expect(reply.status == item.status, "\(item.name): \(reply.text.prefix(300))")
            if let body = item.body { #expect(reply.text == body, "\(item.name)") }
            #expect(reply.header("Content-Type") == "application/json", "\(item.name)")
            #expect(reply.header("Allow") == item.allow, "\(item.name)")
        }
        // Every request that reached the app was logged once, as a JSON line with method, path, status, duration and
        // nginx's request id.
        let log = service.appLog
        let accessLines = log.split(separator: "\n").filter { $0.hasPrefix("{") }
        let entries = try accessLines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
        func logged(_ method: String, _ path: String, _ status: Int) -> Bool {
            entries.contains {
                $0["method"] as? String == method && $0["path"] as? String == path && $0["status"] as? Int == status
                    && ($0["duration_ms"] as? Double).map { $0 >= 0 } == true
                    && ($0["request_id"] as? String)?.count == 32 && $0["worker"] is String
            }
        }
        #expect(logged("POST", "/", 200), "\(log)")
        #expect(logged("GET", "/", 405))
        #expect(logged("POST", "/check", 404))
        #expect(!log.contains("Fatal") && !log.contains("error"), "\(log)")
    }

    @Test func concurrentRequestsAllGetTheirOwnExactAnswer() async throws {
        let service = try NginxFrontedService()
        let port = service.port
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<200 {
                group.addTask {
                    // Alternate two clusters with different members: a context shared between requests would answer one with
                    // the other's memoized member nodes.
                    let body =
                        index.isMultiple(of: 2)
                        ? Self.referenceRequest
                        : #"{"name":"x","members":[{"node_id":2,"name":"a","host":"h","port":1}]}"#
                    let reply = try HTTPClient.post(port: port, body)
                    return (index, "\(reply.status) \(reply.text)")
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let single =
            #"200 [{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"}]}]"#
        for index in 0..<200 {
            #expect(
                answers[index] == (index.isMultiple(of: 2) ? "200 " + Self.referenceResponse : single),
                "request \(index)")
        }
        // Each thread writes its access lines in batches of whole lines, and the rest as soon as it is idle: once the
        // load is over, every request has its line, and no line is cut or run into another (several threads and two
        // worker processes write to one pipe).
        func postLines() -> [Substring] {
            service.appLog.split(separator: "\n").filter { $0.contains(#""method":"POST""#) }
        }
        #expect(TestEnvironment.wait(for: .seconds(5)) { postLines().count >= 200 }, "\(postLines().count) lines")
        let lines = postLines()
        #expect(lines.count == 200)
        for line in lines {
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(entry?["status"] as? Int == 200 && line.hasPrefix("{\"time\":") && line.hasSuffix("}"), "\(line)")
        }
    }
}
