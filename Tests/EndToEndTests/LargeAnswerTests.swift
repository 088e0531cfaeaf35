import Foundation
import Testing

/// Answers too large for libfcgi's 8 KiB output buffer are framed by the service itself and written in one write
/// (`FastCGIConnection.writeWhole`): read record by record, they must be what libfcgi would send.
@Suite(.ownThreads) struct LargeAnswerTests {
    /// A proposal of `count` members on the demo inventory's three nodes, each on its own port: the default
    /// catalogue's answer grows by some 36 bytes a member.
    static func proposal(members count: Int) -> [UInt8] {
        let members = (0..<count).map { index in
            #"{"node_id": \#(index % 3 + 1), "name": "m\#(index)", "host": "172.16.70.\#(index % 250 + 1)", "#
                + #""port": \#(1024 + index)}"#
        }
        return Array(#"{"name": "c1", "members": [\#(members.joined(separator: ", "))]}"#.utf8)
    }

    /// What `fcgi-check check --demo --format json` prints for `proposal`: the body `POST /` answers, written
    /// without FastCGI.
    static func answerOfTheCheckCommand(_ proposal: [UInt8], in directory: URL) throws -> [UInt8] {
        let file = directory.appendingPathComponent("proposal.json")
        try Data(proposal).write(to: file)
        return try TestEnvironment.runBinary(["check", "--demo", "--format", "json", file.path]).output
    }

    /// Starts `fcgi-check serve --demo` (the default catalogue) on a unix socket in `directory`.
    static func startServer(in directory: URL, extra: [String] = []) throws -> (ServiceProcess, String) {
        let socket = directory.appendingPathComponent("app.sock").path
        let server = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: ["serve", "--demo", "--listen", "unix:\(socket)"] + extra,
            logURL: directory.appendingPathComponent("app.log"))
        let ready = TestEnvironment.wait(for: .seconds(30)) { server.log.contains("listening on") || !server.isRunning }
        try #require(ready && server.isRunning, "server did not start:\n\(server.log)")
        return (server, socket)
    }

    /// The CGI head and body of a response's stdout records.
    static func response(of records: [(type: UInt8, content: [UInt8])]) throws -> (head: String, body: [UInt8]) {
        let response = records.filter { $0.type == 6 }.flatMap(\.content)
        let separator = Array("\r\n\r\n".utf8)
        let end = try #require(
            (0...(response.count - separator.count)).first { Array(response[$0..<$0 + separator.count]) == separator })
        return (String(decoding: response[..<end], as: UTF8.self), Array(response[(end + separator.count)...]))
    }

    @Test func answersOfOneTwoAndThreeRecordsAreFramedAsLibfcgiFramesThem() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try Self.startServer(in: directory)

        // From within the buffer (the demo's catalogue answer for three members is 9 KiB, over it already) to
        // either side of one record's 65,535 bytes, and past two records.
        var stdoutRecordCounts: Set<Int> = []
        for members in [3, 100, 1_600, 1_641, 1_642, 1_643, 1_644, 1_645, 1_700, 3_600] {
            let proposal = Self.proposal(members: members)
            let client = try FastCGIClient(socketPath: socket)
            try client.begin(contentLength: proposal.count)
            try client.sendBody(proposal)
            try client.endBody()
            let records = try client.readRecords()
            #expect(client.closedWithoutAnswer(within: 5), "\(members) members: more after FCGI_END_REQUEST")

            // Stdout records, the empty one that ends stdout, then FCGI_END_REQUEST: request complete, status 0.
            try #require(records.count >= 3, "\(members) members: \(records.map(\.type))")
            #expect(records.last?.type == 3 && records.last?.content == [0, 0, 0, 0, 0, 0, 0, 0])
            let output = records.dropLast()
            #expect(output.allSatisfy { $0.type == 6 }, "\(members) members: \(records.map(\.type))")
            #expect(output.last?.content.isEmpty == true)
            let contents = output.dropLast()
            #expect(contents.allSatisfy { !$0.content.isEmpty && $0.content.count <= 65_535 })
            stdoutRecordCounts.insert(contents.count)

            let (head, body) = try Self.response(of: records)
            let expected = try Self.answerOfTheCheckCommand(proposal, in: directory)
            #expect(head.hasPrefix("Status: 200 OK\r\n"), "\(members) members: \(head)")
            #expect(head.contains("Content-Length: \(expected.count)"), "\(members) members: \(head)")
            #expect(body == expected, "\(members) members: the answer differs from fcgi-check check's")
        }
        // The sizes above still reach one, two and three records of content.
        #expect(stdoutRecordCounts == [1, 2, 3], "\(stdoutRecordCounts)")
        server.signal(SIGTERM)
        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
    }

    /// A web server slower to read than `--io-timeout` lets one write wait: the write of an answer larger than the
    /// socket holds ends short, and the rest follows from the first byte not written.
    @Test func aReaderSlowerThanOneWritesTimeoutStillGetsTheWholeAnswer() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try Self.startServer(
            in: directory, extra: ["--io-timeout", "1", "--max-body-size", "\(8 << 20)"])
        let proposal = Self.proposal(members: 16_000)  // an answer of some 580 KB, more than a socket holds
        let client = try FastCGIClient(socketPath: socket)
        try client.begin(contentLength: proposal.count)
        try client.sendBody(proposal)
        try client.endBody()
        // Once the service is writing, its write waits 1 s for this reader, then returns what the socket took.
        try #require(client.answerBegins(within: 60))
        usleep(1_500_000)
        let records = try client.readRecords()
        let (head, body) = try Self.response(of: records)
        let expected = try Self.answerOfTheCheckCommand(proposal, in: directory)
        #expect(expected.count > 500_000)
        #expect(head.contains("Content-Length: \(expected.count)"), "\(head)")
        #expect(body == expected, "the answer read slowly differs from fcgi-check check's")
        #expect(records.last?.type == 3)
        server.signal(SIGTERM)
        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
    }
}
