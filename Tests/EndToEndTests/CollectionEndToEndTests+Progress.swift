import Foundation
import Testing

/// What a person sees while `nodes collect` runs: a progress line redrawn in place on a terminal, plain lines
/// otherwise.
extension CollectionEndToEndTests {
    /// A redrawn progress line: `\r`, erase the line, then done/total, failed and elapsed seconds.
    static var progressLine: Regex<(Substring, Substring, Substring, Substring, Substring)> {
        /\r\u{1B}\[Kcollecting: (\d+)\/(\d+) done, (\d+) failed, (\d+\.\d\d) s/
    }

    /// A plain progress line: `[done/total] node ID (target): collected in S s` or `...: failed: ERROR in S s`.
    static var plainLine: Regex<(Substring, Substring, Substring, Substring, Substring, Substring)> {
        /\[(\d+)\/(\d+)\] node (\d+) \(([^)]+)\): (collected|failed: [^\n]+) in \d+\.\d\d s\n/
    }

    /// Runs `arguments` on a pseudo-terminal, as at a terminal: script(1) (util-linux) gives the command a new
    /// terminal as standard input, output and error, and copies what it shows to its own standard output.
    /// `NO_COLOR` is removed from the environment unless `noColor`. The terminal's `\r\n` line ends read as `\n`.
    static func onTerminal(_ arguments: [String], noColor: Bool = false, in directory: URL) throws -> Outcome {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
        let environment = noColor ? ["NO_COLOR=1"] : ["-u", "NO_COLOR"]
        var outcome = try Started(
            URL(fileURLWithPath: "/usr/bin/env"),
            environment + ["/usr/bin/script", "-qec", quoted.joined(separator: " "), "/dev/null"], in: directory
        ).finish(within: .seconds(120))
        outcome.output = outcome.output.replacingOccurrences(of: "\r\n", with: "\n")
        return outcome
    }

    /// The plain progress lines in `text`, in order, as (done, total, node, outcome).
    static func plainLines(_ text: String) -> [(done: Int, total: Int, node: Int, result: String)] {
        text.matches(of: plainLine).map { match in
            (Int(match.output.1) ?? -1, Int(match.output.2) ?? -1, Int(match.output.3) ?? -1, String(match.output.5))
        }
    }

    /// Checks that `text` holds one plain line per node, counting up to 3, node 3 failing, and no terminal control.
    static func expectPlainProgress(_ text: String, _ how: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = plainLines(text)
        #expect(lines.map(\.done) == [1, 2, 3], "\(how): \(text)", sourceLocation: sourceLocation)
        #expect(lines.allSatisfy { $0.total == 3 }, "\(how): \(text)", sourceLocation: sourceLocation)
        #expect(Set(lines.map(\.node)) == [1, 2, 3], "\(how): \(text)", sourceLocation: sourceLocation)
        for line in lines {
            let expected = line.node == 3 ? "failed: connection refused" : "collected"
            #expect(line.result.hasPrefix(expected), "\(how): \(line)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("\u{1B}") && !text.contains("\r"), "\(how): \(text)", sourceLocation: sourceLocation)
    }

    @Test func progressIsOneRedrawnLineOnATerminalAndPlainLinesOtherwise() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try SSHServer(addresses: ["127.0.0.2", "127.0.0.3"])
        defer { server.stop() }
        // Two nodes that answer, and one whose port refuses (nothing listens on 127.0.0.9).
        let inventory = try Self.inventory(
            [(1, "127.0.0.2"), (2, "127.0.0.3"), (3, "127.0.0.9")].map { id, address in
                [
                    "id": id, "name": "n\(id)", "host": address, "ssh_user": "root", "ssh_host": address,
                    "ssh_port": Int(server.port),
                ]
            }, in: directory)
        let collect = [
            try TestEnvironment.binary().path, "nodes", "collect", "--inventory", inventory, "--all", "--ssh-config",
            server.sshConfig.path, "--timeout", "30",
        ]

        let started = ContinuousClock.now
        let terminal = try Self.onTerminal(collect, in: directory)
        let wall = ContinuousClock.now - started
        #expect(terminal.status == 1, "\(terminal.output)\(terminal.errors)\n\(server.log)")
        let table = try #require(terminal.output.range(of: "NODE  NAME"), "no summary: \(terminal.output)")
        let progress = terminal.output[..<table.lowerBound]
        let redraws = progress.matches(of: Self.progressLine).map { match in
            (
                done: Int(match.output.1) ?? -1, total: Int(match.output.2) ?? -1, failed: Int(match.output.3) ?? -1,
                seconds: Double(match.output.4) ?? -1
            )
        }
        #expect(redraws.map(\.done) == [1, 2, 3], "\(progress.debugDescription)")
        #expect(redraws.allSatisfy { $0.total == 3 })
        #expect(redraws.last?.failed == 1 && redraws.map(\.failed) == redraws.map(\.failed).sorted(), "\(redraws)")
        let seconds = redraws.map(\.seconds)
        #expect(seconds == seconds.sorted() && (seconds.last ?? .infinity) < wall / .seconds(1), "\(seconds), \(wall)")
        // Redrawn in place: one line, ended once, before the summary; no plain lines.
        #expect(
            progress.hasPrefix("\r\u{1B}[Kcollecting: ") && progress.hasSuffix(" s\n")
                && progress.dropLast().allSatisfy { $0 != "\n" }, "\(progress.debugDescription)")
        #expect(Self.plainLines(terminal.output).isEmpty, "\(terminal.output)")
        #expect(terminal.output.contains("collected 2 of 3 node(s) in "), "\(terminal.output)")
        #expect(
            terminal.output.contains(
                #/\n3 +n3 +root@127\.0\.0\.9:\d+ +FAILED +\d+\.\d\d +connection refused \(ssh: connect to host /#),
            "\(terminal.output)")

        // NO_COLOR, or --no-progress, on a terminal: plain lines, then the same summary.
        for (arguments, noColor, how) in [
            (collect, true, "NO_COLOR"), (collect + ["--no-progress"], false, "--no-progress"),
        ] {
            let plain = try Self.onTerminal(arguments, noColor: noColor, in: directory)
            #expect(plain.status == 1, "\(how): \(plain.output)\(plain.errors)")
            let summary = try #require(plain.output.range(of: "NODE  NAME"), "\(how): no summary: \(plain.output)")
            Self.expectPlainProgress(String(plain.output[..<summary.lowerBound]), how)
        }

        // Piped: plain lines on standard error, the table alone on standard output.
        let piped = try Started(
            URL(fileURLWithPath: "/usr/bin/env"), ["-u", "NO_COLOR"] + collect, in: directory
        ).finish(within: .seconds(120))
        #expect(piped.status == 1, "piped: \(piped.output)\(piped.errors)")
        Self.expectPlainProgress(piped.errors, "piped")
        #expect(piped.output.hasPrefix("NODE  NAME") && !piped.output.contains("\u{1B}"), "\(piped.output)")
    }
}
