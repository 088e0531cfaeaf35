import Foundation
import Testing

/// Raw FastCGI records no web server would send, straight to the app's socket: whatever libfcgi makes of them, the
/// process stays up and the next request is answered correctly.
@Suite(.ownThreads) struct HostileFastCGITests {
    static let begin = FastCGIClient.record(type: 1, [0, 1, 0, 0, 0, 0, 0, 0])
    static let endParams = FastCGIClient.record(type: 4, [])
    static let endStdin = FastCGIClient.record(type: 5, [])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "truncated record header", bytes: [1, 1, 0]),
        Case(
            name: "unknown protocol version",
            bytes: FastCGIClient.record(type: 1, version: 9, [0, 1, 0, 0, 0, 0, 0, 0])),
        Case(name: "unknown record type", bytes: FastCGIClient.record(type: 77, Array("abc".utf8))),
        Case(
            name: "FCGI_GET_VALUES",
            bytes: FastCGIClient.record(type: 9, requestID: 0, FastCGIClient.pair(Array("FCGI_MAX_CONNS".utf8), []))
        ),
        Case(name: "params before BEGIN_REQUEST", bytes: FastCGIClient.record(type: 4, FastCGIClient.pair([65], [66]))),
        Case(
            name: "a second request on one connection",
            bytes: begin + FastCGIClient.record(type: 1, requestID: 2, [0, 1, 0, 0, 0, 0, 0, 0]) + endParams + endStdin
        ),
        Case(
            name: "param name length of 2 GiB",
            bytes: begin
                + FastCGIClient.record(type: 4, [0xFF, 0xFF, 0xFF, 0xFF, 1] + [UInt8](repeating: 120, count: 100))
        ),
        Case(
            name: "param value length of 2 GiB",
            bytes: begin
                + FastCGIClient.record(type: 4, [1, 0xFF, 0xFF, 0xFF, 0xF0] + [UInt8](repeating: 120, count: 100))
        ),
        Case(
            name: "2.4 MB of params",
            bytes: begin
                + (0..<40).flatMap {
                    FastCGIClient.record(
                        type: 4, FastCGIClient.pair(Array("H\($0)".utf8), [UInt8](repeating: 118, count: 60_000)))
                } + endParams
        ),
        Case(
            name: "FCGI_KEEP_CONN asked for",
            bytes: FastCGIClient.record(type: 1, [0, 1, 1, 0, 0, 0, 0, 0]) + endParams + endStdin),
        Case(name: "ABORT_REQUEST", bytes: begin + FastCGIClient.record(type: 2, [])),
        Case(name: "random bytes", bytes: (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }),
    ]

    @Test func theServiceSurvivesEveryHostileRecord() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("app.sock").path
        let server = try ServiceProcess.serve(
            ["--demo", "--listen", "unix:\(socket)", "--threads", "4", "--io-timeout", "2"], in: directory)
        defer { server.stop() }
        for item in Self.cases {
            let client = try FastCGIClient(socketPath: socket)
            try client.sendRaw(item.bytes)
            _ = client.drain(seconds: 1)
            client.close()
            #expect(server.isRunning, "the server died on: \(item.name)\n\(server.log)")
            let response = try FastCGIClient.exchange(
                socketPath: socket, body: Array(NginxContractTests.referenceRequest.utf8))
            #expect(
                response.hasSuffix(NginxContractTests.referenceResponse), "after \(item.name): \(response.prefix(200))")
        }
        #expect(!server.log.contains("Fatal error"))
    }
}
