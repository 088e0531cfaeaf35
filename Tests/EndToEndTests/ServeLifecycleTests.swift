import Foundation
import Testing

/// The binary on its own socket, spoken to in raw FastCGI: start-up errors, stopping, vanished clients.
@Suite(.ownThreads) struct ServeLifecycleTests {
    static let body = Array(NginxContractTests.referenceRequest.utf8)

    /// Starts `fcgi-check serve --demo` on a fresh unix socket and waits for it.
    func startServer(in directory: URL, extra: [String] = []) throws -> (ServiceProcess, String) {
        let socket = directory.appendingPathComponent("app.sock").path
        let server = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: ["serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--listen", "unix:\(socket)"]
                + extra,
            logURL: directory.appendingPathComponent("app-\(UUID().uuidString.prefix(6)).log")
        )
        let ready = TestEnvironment.wait(for: .seconds(30)) { server.log.contains("listening on") || !server.isRunning }
        try #require(ready && server.isRunning, "server did not start:\n\(server.log)")
        return (server, socket)
    }

    @Test func sigtermLetsTheRequestInFlightFinishThenExitsZero() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try startServer(in: directory)
        let client = try FastCGIClient(socketPath: socket)
        try client.begin(contentLength: Self.body.count)
        try client.sendBody(Array(Self.body.prefix(20)))
        usleep(200_000)  // the app is now blocked reading the rest of this body

        server.signal(SIGTERM)
        usleep(300_000)
        #expect(server.isRunning, "the server exited with a request in flight")
        try client.sendBody(Array(Self.body.dropFirst(20)))
        try client.endBody()
        let response = try client.readResponse()
        #expect(response.hasPrefix("Status: 200 OK\r\nContent-Type: application/json\r\n"))
        #expect(response.hasSuffix(NginxContractTests.referenceResponse))

        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file was left behind")
        #expect(server.log.contains("signal 15 received"))
    }

    /// A thread that goes from one request straight to the next keeps their access lines in its batch; when a stop
    /// runs out of time on that thread's next request (a client stalled mid-body), the lines of the requests it did
    /// answer are still written before the process exits.
    @Test func aStopThatRunsOutOfTimeStillWritesTheAnsweredRequestsLines() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try startServer(in: directory, extra: ["--threads", "1", "--stop-timeout", "1"])
        // Both connect before the thread is done with the first: it takes the second without going idle.
        let answered = try FastCGIClient(socketPath: socket)
        let stalled = try FastCGIClient(socketPath: socket)
        try stalled.begin(contentLength: Self.body.count)
        try stalled.sendBody(Array(Self.body.prefix(10)))
        try answered.begin(contentLength: Self.body.count)
        try answered.sendBody(Self.body)
        try answered.endBody()
        #expect(try answered.readResponse().hasSuffix(NginxContractTests.referenceResponse))
        usleep(300_000)  // the thread now waits for the rest of the stalled body
        server.signal(SIGTERM)
        #expect(server.waitForExit(timeout: .seconds(15)) == 1, "\(server.log)")
        let lines = server.log.split(separator: "\n").filter { $0.contains(#""method":"POST""#) }
        #expect(lines.count == 1 && lines.first?.contains(#""status":200"#) == true, "\(server.log)")
    }

    @Test func sigintOnAnIdleServerExitsZeroAtOnce() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, _) = try startServer(in: directory, extra: ["--threads", "64"])
        server.signal(SIGINT)
        // An idle server has nothing to wait for: well within the 10 s stop timeout it would otherwise use up.
        #expect(server.waitForExit(timeout: .seconds(8)) == 0, "\(server.log)")
    }

    @Test func servesTheSocketInheritedOnStandardInputAndStopsOnSigterm() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("inherited.sock").path
        // What spawn-fcgi does: bind and listen, then hand the socket over as fd 0.
        let listener = try TestEnvironment.listeningSocket(at: path)
        let server = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: ["serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--threads", "4"],
            logURL: directory.appendingPathComponent("app.log"),
            standardInput: listener
        )
        defer { close(listener) }
        let response = try FastCGIClient.exchange(socketPath: path, body: Self.body)
        #expect(response.hasSuffix(NginxContractTests.referenceResponse), "\(response)\n\(server.log)")
        server.signal(SIGTERM)
        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
    }

    @Test func aClientThatHangsUpDoesNotHurtTheServer() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try startServer(in: directory, extra: ["--threads", "2"])
        for _ in 0..<20 {
            let client = try FastCGIClient(socketPath: socket)
            try client.begin(contentLength: Self.body.count)
            try client.sendBody(Self.body)
            try client.endBody()
            client.close()  // gone before the answer is written: the app sees EPIPE
        }
        // Both threads are still there and answer.
        for _ in 0..<4 {
            let response = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
            #expect(response.hasSuffix(NginxContractTests.referenceResponse))
        }
        #expect(server.isRunning, "\(server.log)")
    }

    @Test func threadsStandingByTakeThePlaceOfThoseHeldBySilentPeers() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // As many threads take connections as there are cores (the demo inventory does not wait); the others stand
        // by. Peers that connect and send nothing hold every one of those threads until the I/O timeout (30 s): the
        // threads standing by must see them stuck and take connections in their place.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let (server, socket) = try startServer(in: directory, extra: ["--threads", "\(cores + 4)"])
        #expect(server.log.contains("\(cores) of them take connections at once while none is stuck"), "\(server.log)")
        var mute: [FastCGIClient] = []
        for _ in 0..<(cores + 2) { mute.append(try FastCGIClient(socketPath: socket)) }
        defer { for client in mute { client.close() } }
        usleep(100_000)
        for _ in 0..<4 {
            let started = ContinuousClock.now
            let response = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
            #expect(response.hasSuffix(NginxContractTests.referenceResponse))
            // A look every few milliseconds, not the 30 s the silent peers hold their threads.
            #expect(ContinuousClock.now - started < .seconds(3))
        }
        // Once the peers are gone, the threads that stood in stand by again; the server answers as before.
        for client in mute { client.close() }
        mute = []
        for _ in 0..<4 {
            #expect(
                try FastCGIClient.exchange(socketPath: socket, body: Self.body).hasSuffix(
                    NginxContractTests.referenceResponse))
        }
        #expect(server.isRunning, "\(server.log)")
    }

    @Test func aPeerThatDoesNotReadALargeAnswerFreesItsThreadAfterTheIOTimeout() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try startServer(in: directory, extra: ["--threads", "1", "--io-timeout", "1"])
        // 3,000 invalid members: a 422 listing each, hundreds of KB, more than the socket holds unread. A small answer
        // is written without a write timeout (the socket takes it whole); this one must get the timeout.
        let members = Array(repeating: #"{"node_id":"x"}"#, count: 3_000).joined(separator: ",")
        let large = Array(#"{"name":"c","members":[\#(members)]}"#.utf8)
        let stalled = try FastCGIClient(socketPath: socket)
        try stalled.begin(contentLength: large.count)
        try stalled.sendBody(large)
        try stalled.endBody()
        defer { stalled.close() }
        // The only thread waits on the peer that does not read for about a second, then answers the next request.
        let started = ContinuousClock.now
        let response = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
        #expect(response.hasSuffix(NginxContractTests.referenceResponse))
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(server.isRunning, "\(server.log)")
    }

    @Test func aPeerThatStopsSendingFreesItsThreadAfterTheIOTimeout() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try startServer(in: directory, extra: ["--threads", "1", "--io-timeout", "1"])
        let silent = try FastCGIClient(socketPath: socket)
        try silent.begin(contentLength: Self.body.count)
        try silent.sendBody(Array(Self.body.prefix(10)))
        // The only thread is stuck on the silent peer for about a second, then serves the next request.
        let started = ContinuousClock.now
        let response = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
        #expect(response.hasSuffix(NginxContractTests.referenceResponse))
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(server.log.contains("dropped: the body could not be read"), "\(server.log)")
        silent.close()

        // A peer that connects and sends nothing at all, or stops inside its params: the params are read under the
        // same timeout, so each holds the only thread for about a second, plus up to 2 s that libfcgi waits for the
        // peer when it closes a connection; then it is closed, and the next request is answered.
        let mute = try FastCGIClient(socketPath: socket)
        let halfParams = try FastCGIClient(socketPath: socket)
        try halfParams.sendRaw([1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 4, 0, 1, 0, 200, 0, 0, 14])
        let next = ContinuousClock.now
        let afterSilence = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
        #expect(afterSilence.hasSuffix(NginxContractTests.referenceResponse))
        #expect(ContinuousClock.now - next < .seconds(20))
        #expect(mute.closedWithoutAnswer(within: 5) && halfParams.closedWithoutAnswer(within: 5))
        #expect(server.isRunning, "\(server.log)")
    }

    @Test func bodiesOverTheLimitGet413FromTheAppItself() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try startServer(in: directory, extra: ["--max-body-size", "1000"])
        defer { server.stop() }
        let response = try FastCGIClient.exchange(socketPath: socket, body: [UInt8](repeating: 0x20, count: 5000))
        #expect(response.hasPrefix("Status: 413 Request Entity Too Large\r\n"))
        #expect(response.hasSuffix(#"{"detail":"Request Entity Too Large"}"#))
        // A body within the limit on the same server still works.
        #expect(
            try FastCGIClient.exchange(socketPath: socket, body: Self.body).hasSuffix(
                NginxContractTests.referenceResponse))
        // 10 MB at the default limit (1 MiB): read to its end and refused, the server carries on.
        let defaultDirectory = directory.appendingPathComponent("default")
        try FileManager.default.createDirectory(at: defaultDirectory, withIntermediateDirectories: true)
        let (defaultServer, defaultSocket) = try startServer(in: defaultDirectory)
        defer { defaultServer.stop() }
        let huge = try FastCGIClient.exchange(
            socketPath: defaultSocket, body: [UInt8](repeating: 0x20, count: 10 << 20))
        #expect(huge.hasPrefix("Status: 413 Request Entity Too Large\r\n"))
    }

    @Test func servesOnLoopbackTCPAndSetsTheUnixSocketModeAndGroup() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The group: a root service may hand the socket to any group (nginx's); anyone else to a group of theirs.
        let group = getuid() == 0 ? "nogroup" : String(getgid())
        let (unixServer, socket) = try startServer(
            in: directory, extra: ["--socket-mode", "0600", "--socket-group", group])
        defer { unixServer.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: socket)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let expectedGroup = getuid() == 0 ? Int(getgrnam("nogroup").pointee.gr_gid) : Int(getgid())
        #expect((attributes[.groupOwnerAccountID] as? Int) == expectedGroup)

        let port = try TestEnvironment.freePort()
        let tcpServer = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: [
                "serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--listen", "127.0.0.1:\(port)",
            ],
            logURL: directory.appendingPathComponent("tcp.log")
        )
        defer { tcpServer.stop() }
        try #require(
            TestEnvironment.wait(for: .seconds(10)) { tcpServer.log.contains("listening on 127.0.0.1:\(port)") },
            "\(tcpServer.log)")
        let service = try NginxFrontedService(upstream: "127.0.0.1:\(port)")
        #expect(
            try HTTPClient.post(port: service.port, NginxContractTests.referenceRequest).text
                == NginxContractTests.referenceResponse)
    }

    @Test func aStoppingServerLeavesItsSuccessorsSocketAlone() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (old, socket) = try startServer(in: directory)
        let client = try FastCGIClient(socketPath: socket)
        try client.begin(contentLength: Self.body.count)
        old.signal(SIGTERM)  // old stops accepting but waits for this request
        // Once the old server has handled the signal its socket refuses connections; before that, the successor's
        // start-up probe would rightly find it alive and refuse to start.
        try #require(TestEnvironment.wait(for: .seconds(20)) { TestEnvironment.refusesConnections(socket) })
        let (successor, sameSocket) = try startServer(in: directory)
        defer { successor.stop() }
        try client.sendBody(Self.body)
        try client.endBody()
        #expect(try client.readResponse().hasSuffix(NginxContractTests.referenceResponse))
        #expect(old.waitForExit(timeout: .seconds(15)) == 0)
        #expect(
            try FastCGIClient.exchange(socketPath: sameSocket, body: Self.body).hasSuffix(
                NginxContractTests.referenceResponse))
    }

    @Test func socketPathsAreNeverClobbered() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = try TestEnvironment.binary()

        // A regular file where the socket should go is left alone.
        let file = directory.appendingPathComponent("not-a-socket")
        try Data("keep me".utf8).write(to: file)
        let refused = try ServiceProcess(
            executable: binary,
            arguments: [
                "serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--listen", "unix:\(file.path)",
            ],
            logURL: directory.appendingPathComponent("a.log"))
        #expect(refused.waitForExit(timeout: .seconds(15)).map { $0 != 0 } == true)
        #expect(refused.log.contains("exists and is not a socket"), "\(refused.log)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")

        // A live socket of another server is not taken over.
        let (first, socket) = try startServer(in: directory)
        let second = try ServiceProcess(
            executable: binary,
            arguments: ["serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--listen", "unix:\(socket)"],
            logURL: directory.appendingPathComponent("b.log"))
        #expect(second.waitForExit(timeout: .seconds(15)).map { $0 != 0 } == true)
        #expect(second.log.contains("already listening"), "\(second.log)")
        #expect(
            try FastCGIClient.exchange(socketPath: socket, body: Self.body).hasSuffix(
                NginxContractTests.referenceResponse))

        // A stale socket left by a killed server is replaced.
        first.signal(SIGKILL)
        _ = first.waitForExit(timeout: .seconds(15))
        #expect(FileManager.default.fileExists(atPath: socket))
        let (replacement, sameSocket) = try startServer(in: directory)
        defer { replacement.stop() }
        #expect(
            try FastCGIClient.exchange(socketPath: sameSocket, body: Self.body).hasSuffix(
                NginxContractTests.referenceResponse))
    }

    @Test(arguments: [
        (
            ["serve", "--listen", "unix:/tmp/x.sock", "--inventory", "/nonexistent/inv.sqlite"],
            "no inventory at /nonexistent/inv.sqlite"
        ),
        (["serve", "--demo", "--inventory", "/tmp/inv.sqlite"], "--demo and --inventory exclude each other"),
        (["serve", "--demo", "--listen", "nonsense"], "--listen must be"),
        (["serve", "--demo", "--threads", "0"], "--threads must be"),
        (["serve", "--demo"], "standard input is not a listening socket"),
        (["serve", "--demo", "--listen", "0.0.0.0:9000"], "is not a loopback address"),
        (["serve", "--demo", "--max-body-size", "999999999999"], "--max-body-size must be between"),
        (
            ["serve", "--demo", "--listen", "unix:/tmp/x.sock", "--max-requests", "10"],
            "--max-requests needs --workers"
        ),
        (["serve", "--demo", "--workers", "999"], "--workers must be between 0 and 256"),
        (["serve", "--demo", "--request-timeout", "0"], "--request-timeout must be between"),
        (
            ["serve", "--demo", "--socket-group", "no-such-group-here"],
            "--socket-group no-such-group-here: no such group"
        ),
        (["serve", "--demo", "--worker-slot", "0"], "--worker-slot is for workers started by"),
    ])
    func badCommandLinesFailClearly(arguments: [String], message: String) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: arguments,
            logURL: directory.appendingPathComponent("out.log"),
        )
        let status = process.waitForExit(timeout: .seconds(15))
        #expect(status != nil && status != 0)
        #expect(process.log.contains(message), "\(process.log)")
    }
}
