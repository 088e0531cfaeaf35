import CheckService
import Foundation
import Testing

/// What `fcgi-check` says about itself and how it fails before serving: its version, its help, and a listen address
/// it cannot bind.
@Suite(.ownThreads) struct CommandLineTests {
    let run = CheckCommandTests()

    @Test func versionPrintsTheServiceVersion() throws {
        let outcome = try run.fcgiCheck(["--version"])
        #expect(outcome.status == 0)
        #expect(outcome.output == ServiceVersion.current + "\n")
    }

    @Test func serveHelpStatesTheThreadsDefaultAsTheREADMEDoes() throws {
        let outcome = try run.fcgiCheck(["serve", "--help"])
        #expect(outcome.status == 0)
        let help = outcome.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
            separator: " ")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(help.contains("Default: 4 x cores, at least 8 (\(max(8, 4 * cores)) on this machine)"), "\(help)")
        #expect(!help.contains("(default: 8)"))
    }

    @Test func anAddressThatCannotBeBoundExits1WithTheReasonAndNoUsage() throws {
        // A TCP port already taken on loopback.
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(taken, pointer, length) == 0 && listen(taken, 1) == 0 && getsockname(taken, pointer, &length) == 0
            }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)
        let outcome = try run.fcgiCheck(["serve", "--demo", "--listen", "127.0.0.1:\(port)"])
        #expect(outcome.status == 1, "\(outcome.error)")
        #expect(outcome.error.contains("127.0.0.1:\(port)"), "\(outcome.error)")
        #expect(!outcome.error.contains("USAGE"), "\(outcome.error)")
        // A unix socket in a directory that does not exist: the same.
        let missing = try run.fcgiCheck(["serve", "--demo", "--listen", "unix:/nonexistent-\(UUID())/s.sock"])
        #expect(missing.status == 1 && !missing.error.contains("USAGE"), "\(missing.error)")
    }
}
