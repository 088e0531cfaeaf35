import CheckDomain
import Foundation

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

        var pipes: [(read: Int32, write: Int32)] = []
        do {
            for _ in 0..<3 { pipes.append(try Posix.pipe(flags: O_CLOEXEC)) }
        } catch {
            result.spawnError = "cannot create pipes: \(error.message)"
            for pipe in pipes {
                try? Posix.close(pipe.read)
                try? Posix.close(pipe.write)
            }
            return result
        }
        let (input, output, error) = (pipes[0], pipes[1], pipes[2])
        let spawned = Self.spawn(
            arguments, standardInput: input.read, standardOutput: output.write, standardError: error.write)
        try? Posix.close(input.read)
        try? Posix.close(output.write)
        try? Posix.close(error.write)
        guard case .success(let pid) = spawned else {
            if case .failure(let reason) = spawned { result.spawnError = reason.description }
            try? Posix.close(input.write)
            try? Posix.close(output.read)
            try? Posix.close(error.read)
            return result
        }
        for descriptor in [input.write, output.read, error.read] {
            let flags = (try? Posix.fcntl(descriptor, F_GETFL)) ?? -1
            _ = try? Posix.fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        }

        var stdin: Int32? = input.write
        var stdout: Int32? = output.read
        var stderr: Int32? = error.read
        var pending = Array(CollectionScript.handshake.utf8)[...]
        var bodySent = false
        var handshakeEnd: Int?
        var sent: Date?
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let announcement = Array((CollectionScript.handshakeLine + "\n").utf8)

        func closeInput() {
            if let descriptor = stdin { try? Posix.close(descriptor) }
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
            do {
                _ = try Posix.poll(&descriptors, count: descriptors.count, timeout: milliseconds)
            } catch {
                // Interrupted: poll again, with what is left of the deadline.
                if error.code == EINTR { continue }
                break
            }
            for entry in descriptors where entry.revents != 0 {
                if entry.fd == stdin {
                    let written = pending.withUnsafeBytes { bytes in
                        Swift.Result { () throws(PosixError) in try Posix.write(entry.fd, bytes) }
                    }
                    switch written {
                    case .success(let count):
                        if count > 0 {
                            pending = pending.dropFirst(count)
                            if pending.isEmpty && bodySent { closeInput() }
                        }
                    case .failure(let error) where error.code == EAGAIN:
                        break
                    case .failure:
                        // The child stopped reading (it exited, or a ForceCommand ignores its input).
                        pending = []
                        closeInput()
                    }
                    continue
                }
                let read = buffer.withUnsafeMutableBytes { bytes in
                    Swift.Result { () throws(PosixError) in try Posix.read(entry.fd, into: bytes) }
                }
                if case .failure(let error) = read, error.code == EAGAIN { continue }
                guard case .success(let count) = read, count > 0 else {
                    try? Posix.close(entry.fd)
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
        if let descriptor = stdout { try? Posix.close(descriptor) }
        if let descriptor = stderr { try? Posix.close(descriptor) }
        if result.timedOut || result.overLimit { try? Posix.kill(pid, SIGKILL) }
        // The output has ended; the child is exiting, or (an ssh that left a process holding its pipes) is killed
        // at the deadline.
        var status: Int32 = 0
        while true {
            guard let reaped = try? Posix.waitpid(pid, options: WNOHANG) else { break }
            if reaped.pid == pid {
                status = reaped.status
                break
            }
            if ContinuousClock.now >= deadline {
                if !result.timedOut && !result.overLimit {
                    result.timedOut = true
                    try? Posix.kill(pid, SIGKILL)
                }
                if let reaped = try? Posix.waitpid(pid, options: 0) { status = reaped.status }
                break
            }
            Posix.usleep(2_000)
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
        Signals.ignoreBrokenPipes()
    }()

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `arguments` (the program looked up in `PATH`) with the given standard descriptors, no signal blocked,
    /// and this process's environment.
    private static func spawn(
        _ arguments: [String], standardInput: Int32, standardOutput: Int32, standardError: Int32
    ) -> Swift.Result<pid_t, SpawnError> {
        let child = ChildProcess(
            executable: arguments[0], searchesPath: true, arguments: arguments,
            environment: ChildProcess.inheritedEnvironment,
            descriptors: [(standardInput, 0), (standardOutput, 1), (standardError, 2)], blockedSignals: .empty)
        do {
            return .success(try child.spawn())
        } catch {
            return .failure(SpawnError(description: "cannot run \(arguments[0]): \(error.message)"))
        }
    }
}
