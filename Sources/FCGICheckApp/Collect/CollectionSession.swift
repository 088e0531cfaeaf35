import CLinux
import CheckDomain
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One run of `CollectionScript` in a child process — `ssh … HOST sh -s` for a node, `/bin/sh -s` for this machine —
/// bounded in time and in output.
///
/// The child gets the script on standard input in two parts: the handshake, then, once its announcement has come
/// back, the body, whose first line is the node's clock (see `CollectionScript`). Everything runs on the calling
/// thread, which waits in `poll(2)`: a session holds no lock and touches no database. Past `timeout` or past
/// `outputLimit` bytes of output the child is killed with SIGKILL, so a silent host or an endless stream costs
/// neither time nor memory beyond its bounds.
struct CollectionSession {
    /// The program and its arguments; the program is looked up in `PATH` when it has no slash.
    var arguments: [String]
    /// The whole session's bound: start, connect, run, read.
    var timeout: Duration
    /// The most standard output kept; more fails the session.
    var outputLimit = defaultOutputLimit
    /// 4 MiB: a dump is some 20 KiB; a node with thousands of sockets or mounts stays far below.
    static let defaultOutputLimit = 4 << 20
    /// The most standard error kept (its last bytes, where ssh says what went wrong).
    var errorLimit = 64 << 10

    /// What a session ended with.
    struct Result {
        /// Standard output, up to `outputLimit`.
        var output: [UInt8] = []
        /// The end of standard error.
        var error: [UInt8] = []
        /// The exit status, or nil when the child was killed by a signal (ours included).
        var status: Int32?
        /// The signal that ended the child, if one did.
        var signal: Int32?
        /// The session ran out of time and was killed.
        var timedOut = false
        /// The output passed `outputLimit` and the child was killed.
        var overLimit = false
        /// When the body was sent and the clock line came back.
        var exchange: FactCollector.ClockExchange?
        /// Why the child could not be started.
        var spawnError: String?
        /// How long the session took.
        var duration: Duration = .zero
    }

    /// Runs the session to its end.
    func run() -> Result {
        let started = ContinuousClock.now
        var result = run(deadline: started + timeout)
        result.duration = ContinuousClock.now - started
        return result
    }

    private func run(deadline: ContinuousClock.Instant) -> Result {
        Self.ignoreSIGPIPE
        var result = Result()

        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        var error: [Int32] = [-1, -1]
        guard CLinux_pipe2(&input, O_CLOEXEC) == 0, CLinux_pipe2(&output, O_CLOEXEC) == 0,
            CLinux_pipe2(&error, O_CLOEXEC) == 0
        else {
            result.spawnError = "cannot create pipes: \(String(cString: strerror(errno)))"
            for descriptor in input + output + error where descriptor >= 0 { close(descriptor) }
            return result
        }
        let spawned = Self.spawn(arguments, standardInput: input[0], standardOutput: output[1], standardError: error[1])
        close(input[0])
        close(output[1])
        close(error[1])
        guard case .success(let pid) = spawned else {
            if case .failure(let reason) = spawned { result.spawnError = reason.description }
            close(input[1])
            close(output[0])
            close(error[0])
            return result
        }
        for descriptor in [input[1], output[0], error[0]] {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }

        var stdin: Int32? = input[1]
        var stdout: Int32? = output[0]
        var stderr: Int32? = error[0]
        var pending = Array(CollectionScript.handshake.utf8)[...]
        var bodySent = false
        var handshakeEnd: Int?
        var sent: Date?
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let announcement = Array((CollectionScript.handshakeLine + "\n").utf8)

        func closeInput() {
            if let descriptor = stdin { close(descriptor) }
            stdin = nil
        }

        while stdout != nil || stderr != nil {
            let remaining = deadline - .now
            if remaining <= .zero {
                result.timedOut = true
                break
            }
            var descriptors: [pollfd] = []
            if let stdout { descriptors.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
            if let stderr { descriptors.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            if let stdin, !pending.isEmpty {
                descriptors.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0))
            }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in descriptors where entry.revents != 0 {
                if entry.fd == stdin {
                    let written = pending.withUnsafeBytes { write(entry.fd, $0.baseAddress, $0.count) }
                    if written > 0 {
                        pending = pending.dropFirst(written)
                        if pending.isEmpty && bodySent { closeInput() }
                    } else if written < 0 && errno != EAGAIN && errno != EINTR {
                        // The child stopped reading (it exited, or a ForceCommand ignores its input).
                        pending = []
                        closeInput()
                    }
                    continue
                }
                let count = read(entry.fd, &buffer, buffer.count)
                if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                if count <= 0 {
                    close(entry.fd)
                    if entry.fd == stdout { stdout = nil } else { stderr = nil }
                    continue
                }
                if entry.fd == stderr {
                    result.error += buffer[0..<count]
                    if result.error.count > errorLimit { result.error.removeFirst(result.error.count - errorLimit) }
                    continue
                }
                let before = result.output.count
                result.output += buffer[0..<count]
                if result.output.count > outputLimit {
                    result.overLimit = true
                    result.output.removeAll()
                    break
                }
                if handshakeEnd == nil,
                    let end = Self.find(announcement, in: result.output, from: max(0, before - announcement.count))
                {
                    handshakeEnd = end
                    pending = Array(CollectionScript.body.utf8)[...]
                    bodySent = true
                    sent = Date()
                }
                if let handshakeEnd, let sent, result.exchange == nil,
                    Self.find(Array("\n".utf8), in: result.output, from: max(handshakeEnd, before)) != nil
                {
                    result.exchange = FactCollector.ClockExchange(sent: sent, received: Date())
                }
            }
            if result.overLimit { break }
            // The child's output has ended before the handshake came back: it is not running the script.
            if stdout == nil && handshakeEnd == nil { closeInput() }
        }
        closeInput()
        if let descriptor = stdout { close(descriptor) }
        if let descriptor = stderr { close(descriptor) }
        if result.timedOut || result.overLimit { kill(pid, SIGKILL) }
        // The output has ended; the child is exiting, or (an ssh that left a process holding its pipes) is killed
        // at the deadline.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if ContinuousClock.now >= deadline {
                if !result.timedOut && !result.overLimit {
                    result.timedOut = true
                    kill(pid, SIGKILL)
                }
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(2_000)
        }
        // WIFEXITED / WTERMSIG, which Swift does not import (macros).
        if status & 0x7f == 0 {
            result.status = (status >> 8) & 0xff
        } else {
            result.signal = status & 0x7f
        }
        return result
    }

    /// The index just past `needle`'s first occurrence in `haystack` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
                return index + needle.count
            }
            index += 1
        }
        return nil
    }

    /// A write to a child that has exited must be an `EPIPE`, not the end of this process.
    private static let ignoreSIGPIPE: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    private static let spawnLock = NSLock()

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `arguments` with the given standard descriptors, every signal at its default and none blocked, and
    /// this process's environment; every other descriptor of ours is close-on-exec.
    private static func spawn(
        _ arguments: [String], standardInput: Int32, standardOutput: Int32, standardError: Int32
    ) -> Swift.Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)

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

        var environment = ProcessInfo.processInfo.environment
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { environment[name] = nil }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for argument in argv { free(argument) }
            for variable in envp { free(variable) }
        }
        var pid: pid_t = 0
        // One spawn at a time: a spawn takes well under a millisecond, and ThreadSanitizer's handling of the vfork
        // inside posix_spawn is not safe against other threads spawning at the same moment.
        let status = spawnLock.withLock { posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp) }
        guard status == 0 else {
            return .failure(SpawnError(description: "cannot run \(arguments[0]): \(String(cString: strerror(status)))"))
        }
        return .success(pid)
    }
}
