import Foundation
import Testing

/// A private OpenSSH server on loopback, for the collection tests: its own host key, one client key it accepts for
/// every user that exists (root, in CI too), listening on several 127.0.0.x addresses on one port, and a client
/// configuration (`sshConfig`) that trusts exactly its host key. An address given a fault runs that command instead of
/// what the client asked for (`Match LocalAddress` + `ForceCommand`), so one server plays healthy and broken nodes.
/// Stopped, and its directory removed, when it is released.
final class SSHServer {
    /// The directory holding keys, configurations and logs.
    let directory: URL
    /// The port it listens on, on every address.
    let port: UInt16
    /// The loopback addresses it listens on.
    let addresses: [String]
    /// The command each faulty address runs instead of the client's (address → `ForceCommand`).
    let faults: [String: String]
    /// The host's private key.
    let hostKey: URL
    /// The client's private key, the only one in `authorized_keys`.
    let clientKey: URL
    /// A client configuration for `ssh -F`: the client key only, this server's host key known, strict checking,
    /// batch mode, errors only on standard error.
    let sshConfig: URL
    /// sshd's configuration.
    let sshdConfig: URL
    private let process: ServiceProcess

    /// The default addresses: five nodes on one machine.
    static let defaultAddresses = (2...6).map { "127.0.0.\($0)" }

    /// Writes keys and configurations and starts `/usr/sbin/sshd` listening on `addresses` (127.0.0.x), where the
    /// addresses in `faults` run their `ForceCommand`; returns once every address answers with an SSH banner.
    init(addresses: [String] = SSHServer.defaultAddresses, faults: [String: String] = [:]) throws {
        let sshd = "/usr/sbin/sshd"
        try #require(
            FileManager.default.isExecutableFile(atPath: sshd),
            "OpenSSH's server is not installed (apt-get install openssh-server); the collection tests need it")
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"),
            "ssh-keygen is not installed (apt-get install openssh-client)")
        try #require(!addresses.isEmpty && addresses.allSatisfy(Self.isLoopback), "not 127.0.0.x: \(addresses)")
        try #require(
            Set(faults.keys).isSubset(of: addresses), "faults on addresses it does not listen on: \(faults.keys)")
        try #require(faults.values.allSatisfy { !$0.contains("\n") }, "a ForceCommand is one line")
        self.addresses = addresses
        self.faults = faults

        directory = try TestEnvironment.temporaryDirectory()
        hostKey = directory.appendingPathComponent("host_ed25519")
        clientKey = directory.appendingPathComponent("client_ed25519")
        sshConfig = directory.appendingPathComponent("ssh_config")
        sshdConfig = directory.appendingPathComponent("sshd_config")
        for key in [hostKey, clientKey] {
            try Self.runToCompletion(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key.path], in: directory)
        }
        let authorizedKeys = directory.appendingPathComponent("authorized_keys")
        try FileManager.default.copyItem(at: clientKey.appendingPathExtension("pub"), to: authorizedKeys)
        // sshd refuses to start without its privilege separation directory.
        try FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])

        // A port free on 127.0.0.1 a moment ago is taken on one of our addresses only by another test's server that
        // drew the same one: sshd then says so in its log and we draw again.
        var started: (port: UInt16, process: ServiceProcess)?
        var logs: [String] = []
        for attempt in 1...3 where started == nil {
            let port = try TestEnvironment.freePort()
            try Self.sshdConfiguration(
                port: port, addresses: addresses, faults: faults, hostKey: hostKey, authorizedKeys: authorizedKeys,
                pidFile: directory.appendingPathComponent("sshd.pid")
            ).write(to: sshdConfig, atomically: true, encoding: .utf8)
            let candidate = try ServiceProcess(
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.watchdog, "sshd-watchdog", sshd, sshdConfig.path, String(getpid())],
                logURL: directory.appendingPathComponent("sshd-\(attempt).log"))
            let ready = TestEnvironment.wait(for: .seconds(10)) {
                !candidate.isRunning
                    || addresses.allSatisfy {
                        TestEnvironment.banner(host: $0, port: port)?.hasPrefix("SSH-2.0-") == true
                    }
            }
            if ready && candidate.isRunning && !candidate.log.contains("Bind to port") {
                started = (port, candidate)
            } else {
                candidate.stop()
                logs.append(candidate.log)
            }
        }
        let server = try #require(started, "sshd did not start listening on \(addresses):\n\(logs.joined())")
        port = server.port
        process = server.process

        let hostPublicKey = try String(contentsOf: hostKey.appendingPathExtension("pub"), encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = directory.appendingPathComponent("known_hosts")
        try (addresses.map { "[\($0)]:\(port)" }.joined(separator: ",") + " " + hostPublicKey + "\n")
            .write(to: knownHosts, atomically: true, encoding: .utf8)
        // Strict checking against a file written once: parallel clients never write to it (accept-new would).
        try """
        Host *
            IdentityFile \(clientKey.path)
            IdentitiesOnly yes
            UserKnownHostsFile \(knownHosts.path)
            GlobalKnownHostsFile /dev/null
            StrictHostKeyChecking yes
            CheckHostIP no
            UpdateHostKeys no
            BatchMode yes
            LogLevel ERROR

        """.write(to: sshConfig, atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// sshd's log (its standard error: `-e`, errors only).
    var log: String { process.log }

    /// Stops sshd: SIGTERM, then SIGKILL to its process group. Sessions in progress run on, as they do when an
    /// operator stops sshd, and end with their clients.
    func stop() { process.stop() }

    /// Runs `sshd -D -e -f CONFIG` ($1, $2) as long as the test runner ($3) lives. A test that fails still stops
    /// its server (`defer`, `deinit`), but a runner that is killed runs neither, and an orphaned sshd would go on
    /// accepting root logins: a watcher stops it within a second of the runner's end. The shell exits when sshd
    /// does (so a failed start shows at once) and stops sshd on SIGTERM; `stop()` then kills the group, watcher
    /// included.
    private static let watchdog = """
        "$1" -D -e -f "$2" </dev/null & sshd=$!
        (while kill -0 "$3" 2>/dev/null; do sleep 1; done; kill "$sshd" 2>/dev/null) </dev/null &
        trap 'kill "$sshd" 2>/dev/null' TERM
        wait "$sshd"
        """

    private static func isLoopback(_ address: String) -> Bool {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.dropFirst().allSatisfy { UInt8($0) != nil }
    }

    private static func sshdConfiguration(
        port: UInt16, addresses: [String], faults: [String: String], hostKey: URL, authorizedKeys: URL, pidFile: URL
    ) -> String {
        var lines = addresses.map { "ListenAddress \($0):\(port)" }
        lines += [
            "HostKey \(hostKey.path)",
            "PidFile \(pidFile.path)",
            "AuthorizedKeysFile \(authorizedKeys.path)",
            "UsePAM no",
            // The directory sits under world-writable /tmp, which strict modes would refuse.
            "StrictModes no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            // A collection opens up to 200 connections at once; the defaults (10:30:100, 10) would drop some.
            "MaxStartups 200:30:300",
            "MaxSessions 200",
            "LogLevel ERROR",
        ]
        // Match blocks last: everything after one belongs to it.
        for (address, command) in faults.sorted(by: { $0.key < $1.key }) {
            lines += ["Match LocalAddress \(address)", "    ForceCommand \(command)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func runToCompletion(_ executable: String, _ arguments: [String], in directory: URL) throws {
        let process = try ServiceProcess(
            executable: URL(fileURLWithPath: executable), arguments: arguments,
            logURL: directory.appendingPathComponent("setup.log"))
        let status = process.waitForExit(timeout: .seconds(30))
        try #require(
            status == 0, "\(executable) \(arguments) failed (\(status.map(String.init) ?? "no exit")):\n\(process.log)")
    }
}

extension TestEnvironment {
    /// Calls `body` (connect, bind) with the IPv4 address `host`:`port`, and returns what it returns.
    static func withInetAddress(
        _ host: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// A TCP socket listening on `host` (127.0.0.x) on a port of the kernel's choosing, which nobody ever accepts
    /// from: the kernel completes a client's handshake, and then the client waits for a banner that never comes.
    /// The caller closes `descriptor`.
    static func silentListener(on host: String) throws -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withInetAddress(host, port: 0) { bind(descriptor, $0, $1) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0, listen(descriptor, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw SilentListenerError(description: "cannot listen on \(host): \(reason)")
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    /// Why `silentListener(on:)` could not listen.
    struct SilentListenerError: Error, CustomStringConvertible {
        var description: String
    }

    /// The first line a TCP server at `host`:`port` sends within 2 s (an SSH server's banner), or nil; answered
    /// with an SSH identification before the connection is closed.
    static func banner(host: String, port: UInt16) -> String? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard withInetAddress(host, port: port, { connect(descriptor, $0, $1) }) == 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        var received: [UInt8] = []
        while !received.contains(10) && received.count < 256 {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[..<count])
        }
        guard let end = received.firstIndex(of: 10) else { return nil }
        // Our own identification, so that sshd does not log the probe as an error (kex_exchange_identification).
        let identification = Array("SSH-2.0-fcgi-check-probe\r\n".utf8)
        _ = identification.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return String(decoding: received[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
