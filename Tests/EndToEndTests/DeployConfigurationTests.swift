import Foundation
import Testing

/// The systemd units in deploy/systemd, checked by systemd itself (the nginx configuration is exercised by every
/// nginx-fronted test).
@Suite(.ownThreads) struct DeployConfigurationTests {
    static let units = TestEnvironment.packageRoot.appendingPathComponent("deploy/systemd")

    @Test func systemdAcceptsTheUnits() throws {
        let analyze = try #require(
            ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            },
            "systemd-analyze is not installed (apt-get install systemd); the unit files must be verified")
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The units name the installed binary; point them at the built one so that systemd can check it exists.
        let binary = try TestEnvironment.binary().path
        let names = [
            "fcgi-check.socket", "fcgi-check.service", "fcgi-check-collect.service", "fcgi-check-collect.timer",
        ]
        for name in names {
            let text = try String(contentsOf: Self.units.appendingPathComponent(name), encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/fcgi-check", with: binary)
                .write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let output = directory.appendingPathComponent("verify.out")
        let process = try ServiceProcess(
            executable: URL(fileURLWithPath: analyze),
            arguments: ["verify", "--man=no"] + names.map { directory.appendingPathComponent($0).path },
            logURL: output)
        #expect(process.waitForExit(timeout: .seconds(60)) == 0, "\(process.log)")
        #expect(!process.log.contains("fcgi-check"), "systemd complained:\n\(process.log)")
    }

    @Test func theServiceIsHardenedAndLogsToTheJournal() throws {
        let service = try String(
            contentsOf: Self.units.appendingPathComponent("fcgi-check.service"), encoding: .utf8)
        for line in [
            "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "RestrictAddressFamilies=AF_UNIX",
            "User=fcgi-check", "StandardOutput=journal", "StandardError=journal", "ExecReload=/bin/kill -HUP $MAINPID",
            "KillMode=mixed", "--workers",
        ] {
            #expect(service.contains(line), "\(line)")
        }
        // The socket comes from the socket unit, so serve must not be told to open its own.
        #expect(!service.contains("--listen"))
        // Only unix sockets may be made (the journal's); the listening socket is systemd's.
        let lines = Set(service.split(separator: "\n").map(String.init))
        #expect(lines.contains("RestrictAddressFamilies=AF_UNIX"))
        let socket = try String(contentsOf: Self.units.appendingPathComponent("fcgi-check.socket"), encoding: .utf8)
        #expect(socket.contains("ListenStream=/run/fcgi-check/fcgi-check.sock") && socket.contains("SocketMode=0660"))
        // A restart of the service must leave the socket (and the connections queued in it) alone.
        let socketLines = socket.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(!socketLines.contains { $0.hasPrefix("PartOf=") || $0.hasPrefix("BindsTo=") }, "\(socket)")
    }
}
