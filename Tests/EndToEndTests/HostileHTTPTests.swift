import Foundation
import Testing

/// What a browser, a script or an attacker may send through nginx: each input gets its expected status and body,
/// and afterwards the same process still answers the reference request correctly.
@Suite(.serialized, .ownThreads) struct HostileHTTPTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: [UInt8]
        var status: Int
        var body: String?
        var testDescription: String { name }
    }

    static let json = "application/json"
    static let parseError = #"{"detail":"There was an error parsing the body"}"#
    static let tooLarge = #"{"detail":"Request Entity Too Large"}"#
    static let notAllowed = #"{"detail":"Method Not Allowed"}"#
    static let notFound = #"{"detail":"Not Found"}"#

    static func post(_ body: [UInt8], contentType: String? = json, target: String = "/") -> [UInt8] {
        HTTPClient.request("POST", target, body: body, contentType: contentType)
    }

    static func post(_ body: String, contentType: String? = json, target: String = "/") -> [UInt8] {
        post(Array(body.utf8), contentType: contentType, target: target)
    }

    static func invalidJSON(_ offset: Int, _ message: String) -> String {
        #"{"detail":[{"type":"json_invalid","loc":["body",\#(offset)],"msg":"JSON decode error","input":{},"ctx":{"error":"\#(message)"}}]}"#
    }

    static func member(_ id: Int) -> String { #"{"node_id":\#(id),"name":"m","host":"h","port":1}"# }

    static let cases: [Case] = [
        // Malformed JSON of every kind.
        Case(
            name: "lone brace", request: post("{"), status: 422,
            body: invalidJSON(1, "Expecting property name enclosed in double quotes")),
        Case(name: "lone bracket", request: post("["), status: 422, body: invalidJSON(1, "Expecting value")),
        Case(
            name: "trailing comma", request: post(#"{"name":"c",}"#), status: 422,
            body: invalidJSON(12, "Expecting property name enclosed in double quotes")),
        Case(
            name: "single quotes", request: post("{'name':'c'}"), status: 422,
            body: invalidJSON(1, "Expecting property name enclosed in double quotes")),
        Case(
            name: "missing colon", request: post(#"{"name" "c"}"#), status: 422,
            body: invalidJSON(8, "Expecting ':' delimiter")),
        Case(
            name: "unterminated string", request: post(#"{"name":"c"#), status: 422,
            body: invalidJSON(8, "Unterminated string starting at")),
        Case(
            name: "bad escape", request: post(#"{"name":"\x"}"#), status: 422,
            body: invalidJSON(9, "Invalid \\\\escape")),
        Case(
            name: "bad unicode escape", request: post(#"{"name":"\u12G4"}"#), status: 422,
            body: invalidJSON(10, "Invalid \\\\uXXXX escape")),
        Case(
            name: "raw control character", request: post("{\"name\":\"a\u{1}\"}"), status: 422,
            body: invalidJSON(10, "Invalid control character at")),
        Case(
            name: "extra data", request: post(#"{"name":"c","members":[]} x"#), status: 422,
            body: invalidJSON(26, "Extra data")),
        Case(name: "comment", request: post(#"{"name":"c"} // x"#), status: 422, body: invalidJSON(13, "Extra data")),
        Case(name: "bare word", request: post("hello"), status: 422, body: invalidJSON(0, "Expecting value")),
        Case(name: "whitespace only", request: post("  \n "), status: 422, body: invalidJSON(4, "Expecting value")),
        // Nesting, numbers, sizes.
        Case(
            name: "100,000 nested arrays", request: post(String(repeating: "[", count: 100_000)), status: 400,
            body: parseError),
        Case(
            name: "100,000 nested objects", request: post(String(repeating: "{\"a\":", count: 100_000)), status: 400,
            body: parseError),
        Case(
            name: "integer of 5,000 digits",
            request: post(#"{"name":"c","members":[],"x":"# + String(repeating: "9", count: 5000) + "}"), status: 400,
            body: parseError),
        Case(
            name: "huge node_id",
            request: post(
                #"{"name":"c","members":[{"node_id":"# + String(repeating: "9", count: 300)
                    + #","name":"m","host":"h","port":1}]}"#),
            status: 422,
            body:
                #"{"detail":[{"type":"node_not_found","loc":["body","members",0,"node_id"],"msg":"node_id: \#(String(repeating: "9", count: 300)) 未找到","input":\#(String(repeating: "9", count: 300))}]}"#
        ),
        Case(
            name: "float too big for an int",
            request: post(#"{"name":"c","members":[{"node_id":1e300,"name":"m","host":"h","port":1}]}"#),
            status: 422,
            body:
                #"{"detail":[{"type":"int_parsing_size","loc":["body","members",0,"node_id"],"msg":"Unable to parse input string as an integer, exceeded maximum size","input":1e+300}]}"#
        ),
        Case(
            name: "infinity",
            request: post(#"{"name":"c","members":[{"node_id":1e999,"name":"m","host":"h","port":1}]}"#),
            status: 422,
            body:
                #"{"detail":[{"type":"finite_number","loc":["body","members",0,"node_id"],"msg":"Input should be a finite number","input":"Infinity"}]}"#
        ),
        Case(name: "10 MB body", request: post([UInt8](repeating: 0x20, count: 10 << 20)), status: 413, body: tooLarge),
        Case(
            name: "1 MiB + 1 byte", request: post([UInt8](repeating: 0x20, count: (1 << 20) + 1)), status: 413,
            body: tooLarge),
        Case(
            name: "100,000 members (over the body limit)",
            request: post(
                #"{"name":"c","members":["# + (0..<100_000).map { _ in member(1) }.joined(separator: ",") + "]}"),
            status: 413, body: tooLarge
        ),
        Case(
            name: "10,000 distinct unknown node ids",
            request: post(#"{"name":"c","members":["# + (10..<10_010).map(member).joined(separator: ",") + "]}"),
            status: 422, body: nil
        ),
        Case(
            name: "a 500 kB name",
            request: post(#"{"name":""# + String(repeating: "x", count: 500_000) + #"","members":[]}"#),
            status: 200, body: nil
        ),
        // Encodings and bytes.
        Case(
            name: "invalid UTF-8", request: post([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D]), status: 400, body: parseError),
        Case(name: "overlong UTF-8", request: post([0x7B, 0xC0, 0xAF, 0x7D]), status: 400, body: parseError),
        Case(name: "odd-length UTF-16", request: post([0xFF, 0xFE, 0x7B]), status: 400, body: parseError),
        Case(
            name: "NUL byte in a string", request: post(Array(#"{"name":"a"#.utf8) + [0] + Array(#"b"}"#.utf8)),
            status: 422, body: invalidJSON(10, "Invalid control character at")),
        Case(
            name: "NUL bytes only", request: post([0, 0, 0, 0]), status: 422, body: invalidJSON(0, "Expecting value")),
        // Bodies that are not what the model wants.
        Case(
            name: "empty body", request: post(""), status: 422,
            body: #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#),
        Case(
            name: "array body", request: post("[]"), status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[]}]}"#
        ),
        Case(
            name: "string body", request: post(#""x""#), status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"x"}]}"#
        ),
        Case(
            name: "chunked garbage", request: HTTPClient.request("POST", "/", body: Array("nope".utf8), chunked: true),
            status: 422, body: invalidJSON(0, "Expecting value")),
        // Content types.
        Case(
            name: "form content type", request: post("a=1", contentType: "application/x-www-form-urlencoded"),
            status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"a=1"}]}"#
        ),
        Case(
            name: "no content type", request: post("{}", contentType: nil), status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{}"}]}"#
        ),
        Case(
            name: "multipart content type", request: post("{}", contentType: "multipart/form-data; boundary=x"),
            status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{}"}]}"#
        ),
        Case(
            name: "text/json", request: post("{}", contentType: "text/json"), status: 422,
            body:
                #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{}"}]}"#
        ),
        // Methods and paths.
        Case(name: "GET", request: HTTPClient.request("GET", "/", contentType: nil), status: 405, body: notAllowed),
        Case(
            name: "HEAD (no body by definition)", request: HTTPClient.request("HEAD", "/", contentType: nil),
            status: 405, body: ""),
        Case(
            name: "PUT", request: HTTPClient.request("PUT", "/", body: Array("{}".utf8)), status: 405, body: notAllowed),
        Case(
            name: "DELETE", request: HTTPClient.request("DELETE", "/", contentType: nil), status: 405, body: notAllowed),
        Case(
            name: "PATCH", request: HTTPClient.request("PATCH", "/", body: Array("{}".utf8)), status: 405,
            body: notAllowed),
        Case(
            name: "OPTIONS", request: HTTPClient.request("OPTIONS", "/", contentType: nil), status: 405,
            body: notAllowed),
        Case(name: "TRACE", request: HTTPClient.request("TRACE", "/", contentType: nil), status: 405, body: notAllowed),
        Case(name: "double slash", request: post("{}", target: "//"), status: 404, body: notFound),
        Case(
            name: "encoded dot segments", request: post("{}", target: "/%2e%2e/"), status: 400,
            body: #"{"detail":"Bad Request"}"#),
        Case(
            name: "query string", request: post(#"{"name":"c","members":[]}"#, target: "/?a=b"), status: 200, body: nil),
        Case(
            name: "very long path", request: post("{}", target: "/" + String(repeating: "a", count: 3000)), status: 404,
            body: notFound),
        // Header floods.
        Case(
            name: "200 extra headers",
            request: HTTPClient.request(
                "POST", "/", body: Array(#"{"name":"c","members":[]}"#.utf8),
                headers: (0..<200).map { "X-Flood-\($0): \(String(repeating: "v", count: 40))" }),
            status: 200, body: nil
        ),
        Case(
            name: "a 20 kB header",
            request: HTTPClient.request(
                "POST", "/", body: Array("{}".utf8), headers: ["X-Big: " + String(repeating: "v", count: 20_000)]),
            status: 400, body: #"{"detail":"Bad Request"}"#
        ),
    ]

    @Test func everyHostileInputGetsItsAnswerAndTheServiceCarriesOn() throws {
        #expect(Self.cases.count >= 40)
        let service = try NginxFrontedService()
        let before = service.appPID
        let workersBefore = service.workerPIDs
        #expect(workersBefore.count == 2)
        for item in Self.cases {
            let reply = try HTTPClient.send(port: service.port, item.request)
            #expect(reply.status == item.status, "\(item.name): \(reply.text.prefix(300))")
            if let body = item.body { #expect(reply.text == body, "\(item.name)") }
            #expect(
                reply.header("Content-Type") == "application/json",
                "\(item.name): \(reply.header("Content-Type") ?? "none")")
            #expect(!reply.text.contains("Fatal") && !reply.text.contains(".swift"), "\(item.name) leaked internals")
        }
        let after = try HTTPClient.post(port: service.port, NginxContractTests.referenceRequest)
        #expect(after.text == NginxContractTests.referenceResponse)
        #expect(service.appPID == before && before != nil, "the app process was replaced or died")
        // No input killed a worker either (a replaced worker would hide a crash).
        #expect(service.workerPIDs == workersBefore, "a worker was replaced:\n\(service.appLog.suffix(3000))")
        let status = try HTTPClient.send(port: service.port, HTTPClient.request("GET", "/status"))
        #expect(status.text.contains(#""worker_restarts":0,"#), "\(status.text)")
    }
}
