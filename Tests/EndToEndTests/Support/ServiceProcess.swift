import Foundation
import Testing

/// A child process of a test (the binary, or deploy/run-local.sh), stopped and reaped when the test ends.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`: the child gets default signal dispositions, an
/// empty signal mask and its own process group, as a process manager would give it. The test runner's threads block
/// most signals, and a child inheriting that mask could not be stopped the way an operator stops it.
final class ServiceProcess {
    let pid: pid_t
    let logURL: URL
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`; standard output and error go to `logURL`, standard input is
    /// `standardInput` (a descriptor the child gets as fd 0) or /dev/null; `descriptor3` becomes the child's fd 3.
    init(
        executable: URL,
        arguments: [String],
        environment: [String: String] = [:],
        logURL: URL,
        standardInput: Int32? = nil,
        descriptor3: Int32? = nil
    ) throws {
        self.logURL = logURL
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let standardInput {
            posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, logURL.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let descriptor3 { posix_spawn_file_actions_adddup2(&actions, descriptor3, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)
        )

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let mergedEnvironment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = mergedEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for argument in argv { free(argument) }
            for variable in envp { free(variable) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable.path, &actions, &attributes, argv, envp)
        try #require(result == 0, "cannot start \(executable.path): \(String(cString: strerror(result)))")
        pid = child
    }

    deinit { stop() }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Whether the child has not exited yet (reaps it when it has).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid {
            // WIFEXITED / WEXITSTATUS, spelled out: the macros are not imported.
            exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return false
        }
        return reaped == 0
    }

    /// Sends a signal to the child.
    func signal(_ signal: Int32) { kill(pid, signal) }

    /// The file names of the shared libraries the process has mapped now (from /proc/PID/maps).
    var mappedLibraries: Set<String> {
        // Read to the end: /proc files report a size of 0, and a one-read load returns only the first page.
        let file = FileHandle(forReadingAtPath: "/proc/\(pid)/maps")
        defer { try? file?.close() }
        let maps = String(decoding: file?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        return Set(
            maps.split(separator: "\n").compactMap { line in
                line.split(separator: " ", omittingEmptySubsequences: true).last.flatMap {
                    $0.hasPrefix("/") && $0.contains(".so") ? String($0.split(separator: "/").last!) : nil
                }
            })
    }

    /// Waits for the child to exit; its exit status (128 + signal when killed), or nil after `timeout`.
    func waitForExit(timeout: Duration) -> Int32? {
        guard TestEnvironment.wait(for: timeout, until: { !isRunning }) else { return nil }
        return exitStatus
    }

    /// Stops the child and everything it started (its process group), whatever state they are in.
    func stop() {
        if isRunning {
            signal(SIGTERM)
            if waitForExit(timeout: .seconds(5)) == nil {
                kill(-pid, SIGKILL)
                _ = waitForExit(timeout: .seconds(5))
            }
        }
        kill(-pid, SIGKILL)  // leftovers of the group, if any (nothing when the child cleaned up after itself)
    }
}

/// fcgi-check behind a private nginx on 127.0.0.1, started by deploy/run-local.sh from the deploy/ configuration.
final class NginxFrontedService {
    let directory: URL
    let port: UInt16
    let script: ServiceProcess

    /// Starts the service on the demo inventory, or on a SQLite `inventory`, with `workers` worker processes and
    /// more `serve` arguments; or only nginx, in front of an app already listening at `upstream` (HOST:PORT or
    /// unix:PATH). The app runs under the `policy` file (by default deploy/policy.reference.toml, the reference's
    /// contract these tests were written for; nil for the defaults).
    init(
        inventory: String? = nil, upstream: String? = nil, policy: String? = TestEnvironment.referencePolicy,
        workers: Int = 2, arguments: [String] = []
    ) throws {
        directory = try TestEnvironment.temporaryDirectory()
        port = try TestEnvironment.freePort()
        var inventoryEnvironment: [String: String] = ["WORKERS": String(workers)]
        if !arguments.isEmpty { inventoryEnvironment["FCGI_CHECK_ARGS"] = arguments.joined(separator: " ") }
        if let inventory { inventoryEnvironment["INVENTORY"] = inventory }
        if let upstream { inventoryEnvironment["UPSTREAM"] = upstream }
        if let policy { inventoryEnvironment["POLICY"] = policy }
        script = try ServiceProcess(
            executable: TestEnvironment.packageRoot.appendingPathComponent("deploy/run-local.sh"),
            arguments: [],
            environment: [
                "FCGI_CHECK_BIN": try TestEnvironment.binary().path,
                "PORT": String(port),
                "RUN_DIR": directory.appendingPathComponent("run").path,
                "NGINX": try TestEnvironment.nginx(),
            ].merging(inventoryEnvironment) { $1 },
            logURL: directory.appendingPathComponent("run-local.out")
        )
        let ready = TestEnvironment.wait(for: .seconds(30)) { script.log.contains("ready: ") || !script.isRunning }
        try #require(ready && script.isRunning, "deploy/run-local.sh did not become ready:\n\(script.log)")
    }

    deinit {
        script.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The pid of the app behind nginx (its supervisor, when it has workers), read from /proc (nil when it is not
    /// running).
    var appPID: Int32? {
        Self.processes(serving: directory.appendingPathComponent("run/fcgi-check.sock").path).first { !$0.isWorker }?
            .pid
    }

    /// The pids of the app's worker processes, sorted.
    var workerPIDs: [Int32] {
        Self.processes(serving: directory.appendingPathComponent("run/fcgi-check.sock").path).filter(\.isWorker)
            .map(\.pid).sorted()
    }

    /// Every live `fcgi-check serve` process whose command line names `socket`.
    static func processes(serving socket: String) -> [(pid: Int32, isWorker: Bool)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                let command = procText("/proc/\(entry)/cmdline"),
                command.contains("serve"), command.contains(socket),
                let status = procText("/proc/\(entry)/status"),
                !status.contains("State:\tZ")
            else { return nil }
            return (pid, command.contains("--worker-slot"))
        }
    }

    /// A small /proc file's text, read with plain read(2) into one reused buffer: tests poll /proc in loops, and
    /// Foundation's file reading of /proc's size-less files grew without bound under ThreadSanitizer in CI.
    static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: text, as: UTF8.self) : nil }
            text.append(contentsOf: buffer[..<count])
        }
    }

    /// The app's log (one line per request).
    var appLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("run/fcgi-check.log"), encoding: .utf8)) ?? ""
    }

    /// nginx's error log lines about the upstream at level error or worse: a connection the app dropped, reset or
    /// refused. nginx retries such a request on another worker, so its client may still get a 200: this log is the
    /// only place a dropped request shows.
    var upstreamErrors: [String] {
        let log = (try? String(contentsOf: directory.appendingPathComponent("run/nginx-error.log"), encoding: .utf8))
        return (log ?? "").split(separator: "\n").map(String.init).filter { line in
            ["[error]", "[crit]", "[alert]", "[emerg]"].contains { line.contains($0) }
        }
    }
}
