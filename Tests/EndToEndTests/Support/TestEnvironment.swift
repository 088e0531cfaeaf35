import Foundation
import Testing

/// Paths the end-to-end tests need; a missing piece fails the test loudly, it never skips it.
enum TestEnvironment {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `deploy/policy.reference.toml`: `compat = "reference"`, the reference service's bytes.
    static let referencePolicy = packageRoot.appendingPathComponent("deploy/policy.reference.toml").path

    /// The built `fcgi-check`: `FCGI_CHECK_BIN`, else next to the test bundle, else `.build/debug`.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["FCGI_CHECK_BIN"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        candidates.append(
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "fcgi-check"))
        candidates.append(packageRoot.appendingPathComponent(".build/debug/fcgi-check"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(
            found, "no built fcgi-check binary (run `swift build` first); looked at \(candidates.map(\.path))")
    }

    /// Runs `fcgi-check ARGUMENTS` with nothing on standard input and its standard error discarded: its exit status
    /// and the bytes it printed.
    static func runBinary(_ arguments: [String]) throws -> (status: Int32, output: [UInt8]) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](bytes))
    }

    /// nginx, which the end-to-end tests put in front of the binary.
    static func nginx() throws -> String {
        let found = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return try #require(found, "nginx is not installed (apt-get install nginx); the end-to-end tests need it")
    }

    /// A new private directory, short enough for a unix socket path.
    static func temporaryDirectory() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp/fcgi-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(ok, "cannot find a free port")
        return UInt16(bigEndian: address.sin_port)
    }

    /// Whether a connection to the unix socket at `path` is refused: nothing listens there (any more).
    static func refusesConnections(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        let connected = withUnixAddress(path) { connect(descriptor, $0, $1) }
        return connected != 0 && errno == ECONNREFUSED
    }

    /// Calls `body` (connect, bind) with the address of the unix socket at `path`, and returns what it returns.
    static func withUnixAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Waits until `condition` holds, polling; false after `timeout`.
    static func wait(for timeout: Duration, until condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
