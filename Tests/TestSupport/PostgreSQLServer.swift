import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server for tests, in a temporary directory, listening on a loopback port (and a unix socket in
/// its directory): `initdb`, `pg_ctl`, `pg_basebackup` from Debian's `postgresql` package, run as the `postgres` user
/// when the tests run as root (CI does), since PostgreSQL refuses to run as root. Stopped and removed by `destroy()`,
/// and at the latest by its watchdog once the test process is gone.
///
/// There is no skip: a machine without PostgreSQL fails these tests, saying what to install.
public final class PostgreSQLServer: Sendable {
    /// The data directory's parent (the server's socket directory too).
    public let directory: URL
    /// The loopback port.
    public let port: UInt16
    /// `postgres` when the tests run as root, else the current user: the server's superuser.
    public let superuser: String

    /// The data directory.
    public var dataDirectory: String { directory.appendingPathComponent("data").path }
    /// The server's log (`log_statement = 'all'`: tests count the statements in it).
    public var logFile: String { directory.appendingPathComponent("server.log").path }

    /// A libpq URI of a database of this server.
    public func conninfo(database: String = "postgres", user: String? = nil) -> String {
        "postgresql://\(user ?? superuser)@127.0.0.1:\(port)/\(database)"
    }

    /// The directory of PostgreSQL's server programs (`/usr/lib/postgresql/N/bin`, the newest).
    public static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        guard let newest = versions.last,
            FileManager.default.isExecutableFile(atPath: "\(root)/\(newest)/bin/initdb")
        else {
            throw Failure("PostgreSQL's server is not installed (no \(root)/*/bin/initdb): apt-get install postgresql")
        }
        return "\(root)/\(newest)/bin"
    }

    /// A failed server step, with its output.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Makes a new cluster and starts it.
    /// - Parameter configuration: more `postgresql.conf` lines.
    public static func start(configuration: [String] = []) throws -> PostgreSQLServer {
        let server = try PostgreSQLServer(port: try freePort())
        try server.run(
            "initdb", ["-D", server.dataDirectory, "-U", server.superuser, "-A", "trust", "-E", "UTF8", "--no-sync"])
        try server.configure(configuration)
        try server.startAgain()
        try server.watchOverTestProcess()
        return server
    }

    private init(port: UInt16) throws {
        self.port = port
        superuser = getuid() == 0 ? "postgres" : (ProcessInfo.processInfo.environment["USER"] ?? "postgres")
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("fcgi-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory.path)
        }
    }

    private func configure(_ extra: [String]) throws {
        let settings =
            [
                "listen_addresses = '127.0.0.1'", "port = \(port)", "unix_socket_directories = '\(directory.path)'",
                "fsync = off", "synchronous_commit = off", "full_page_writes = off", "log_statement = 'all'",
                "log_min_messages = warning", "wal_level = replica", "max_wal_senders = 4", "hot_standby = on",
                "max_connections = 200",
            ] + extra
        let conf = URL(fileURLWithPath: dataDirectory).appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + settings.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let hba = URL(fileURLWithPath: dataDirectory).appendingPathComponent("pg_hba.conf")
        try Data(
            """
            local all all trust
            host all all 127.0.0.1/32 trust
            local replication all trust
            host replication all 127.0.0.1/32 trust

            """.utf8
        ).write(to: hba)
    }

    /// Starts the server (again), waiting until it accepts connections.
    public func startAgain() throws {
        try run("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"])
    }

    /// Stops the server: `fast` (sessions cut, a clean shutdown) or `immediate` (as if the machine died).
    public func stop(mode: String = "fast") throws {
        try run("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-t", "60", "stop"])
    }

    /// Promotes a standby to primary.
    public func promote() throws {
        try run("pg_ctl", ["-D", dataDirectory, "-w", "promote"])
    }

    /// A streaming standby of this server (`pg_basebackup -R`), started, on a port of its own.
    public func startStandby() throws -> PostgreSQLServer {
        let standby = try PostgreSQLServer(port: try Self.freePort())
        try standby.run(
            "pg_basebackup",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", superuser, "-D", standby.dataDirectory, "-R", "-X",
                "stream", "-c", "fast",
            ])
        let conf = URL(fileURLWithPath: standby.dataDirectory).appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                "\nport = \(standby.port)\nunix_socket_directories = '\(standby.directory.path)'\n".utf8))
        try handle.close()
        try standby.startAgain()
        try standby.watchOverTestProcess()
        return standby
    }

    /// Starts a watchdog that stops the server and removes its directory once the test process is gone, however it
    /// ends (a test runner may leave without running exit handlers, or be killed).
    private func watchOverTestProcess() throws {
        let pgCtl = "\(try Self.binaries())/pg_ctl"
        let stop = getuid() == 0 ? "/usr/sbin/runuser -u postgres -- \(pgCtl)" : pgCtl
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            [ -f '\(dataDirectory)/postmaster.pid' ] && \(stop) -D '\(dataDirectory)' -m immediate -w stop
            rm -rf '\(directory.path)'
            """
        var child: pid_t = 0
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        // Its own process group: a signal to the test's group does not take the watchdog with it.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer { for variable in envp { free(variable) } }
        let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw Failure("cannot start the server's watchdog: \(String(cString: strerror(spawned)))")
        }
    }

    /// Runs SQL through `psql` on a database; returns its output (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(
            "psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", superuser, "-d", database, "-v", "ON_ERROR_STOP=1", "-At",
                "-c", sql,
            ])
    }

    /// A new empty database; returns its name.
    public func createDatabase() throws -> String {
        let name = "t_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "_"))"
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// How many times the server ran a statement containing `text`, from its log.
    public func statementCount(containing text: String) -> Int {
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("LOG:") && $0.contains(text) }.count
    }

    /// Stops the server (immediately) and removes its directory.
    public func destroy() {
        if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            _ = try? stop(mode: "immediate")
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a PostgreSQL program (as `postgres` when root); returns its standard output.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) throws -> String {
        let path = "\(try Self.binaries())/\(program)"
        let command =
            getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let (status, output) = try Self.spawn(command, in: directory.path)
        guard status == 0 else {
            throw Failure("\(program) \(arguments.joined(separator: " ")) failed (\(status)): \(output)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a command to its end; its exit status and output (standard output and error, in one file).
    ///
    /// `posix_spawn` and `waitpid`, not Foundation's `Process`: the server that `pg_ctl start` leaves behind must get
    /// an empty signal mask and default dispositions (the test runner's threads block signals, and a server blocking
    /// SIGTERM would never stop), and it must not hold a pipe of ours open.
    static func spawn(_ command: [String], in directory: String) throws -> (Int32, String) {
        let capture = "\(directory)/run-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: capture) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = command.map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for argument in argv { free(argument) }
            for variable in envp { free(variable) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ok else { throw Failure("cannot find a free port") }
        return UInt16(bigEndian: address.sin_port)
    }
}
