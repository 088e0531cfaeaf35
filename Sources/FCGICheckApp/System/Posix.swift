import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Every raw call this executable makes to the operating system, in one room, as SwiftNIO keeps them in `enum Posix`
/// (`Sources/NIOPosix/System.swift`).
///
/// The rest of the code calls `Posix.accept4(...)`, never Glibc: one helper (`syscall`) decides, call by call,
/// whether an `EINTR` is retried, and turns `-1`/`errno` into a thrown `PosixError` naming the call, so that no
/// caller reads `errno`, formats `strerror`, or forgets the retry. Each function is a thin, allocation-free wrapper:
/// `accept4`, `read`/`write` and `epoll_wait` are on the request path.
///
/// Where `EINTR` is not retried, the function says why. The short list: `close` (on Linux the descriptor is gone
/// even when it reports `EINTR`, and a retry could close a descriptor another thread has just been given), `connect`
/// (the connection goes on in the background; a second call reports `EALREADY`), and the waits with a timeout
/// (`poll`, `sigtimedwait`, `usleep`), which the caller repeats with what is left of its own deadline.
enum Posix {
    // MARK: The helper

    /// Runs a call that returns -1 and sets `errno` on failure; retries it on `EINTR` unless told not to.
    /// - Parameters:
    ///   - call: the call's name, for the error.
    ///   - retryingInterrupts: false for calls that must not be repeated after `EINTR` (see the type's notes).
    /// - Throws: `PosixError(call, errno)`.
    @inline(__always)
    private static func syscall<Result: FixedWidthInteger>(
        _ call: StaticString, retryingInterrupts: Bool = true, _ body: () -> Result
    ) throws(PosixError) -> Result {
        while true {
            let result = body()
            guard result == -1 else { return result }
            let code = errno
            if code == EINTR && retryingInterrupts { continue }
            throw PosixError(call: call, code: code)
        }
    }

    /// Runs a call that returns its error number instead of setting `errno` (the pthread and `posix_spawn`
    /// families): 0 is success.
    @inline(__always)
    private static func errorNumberCall(_ call: StaticString, _ body: () -> Int32) throws(PosixError) {
        let code = body()
        guard code == 0 else { throw PosixError(call: call, code: code) }
    }

    /// The text of an errno (or, with `addressInfo`, of a `getaddrinfo` code): the one place it is formatted.
    static func errorText(_ code: Int32, addressInfo: Bool = false) -> String {
        addressInfo ? String(cString: gai_strerror(code)) : String(cString: strerror(code))
    }

    // MARK: Descriptors

    /// close(2). Not retried on `EINTR`, and `EINTR` is not an error: Linux has released the descriptor whatever
    /// close reports, and a second close could hit a descriptor that another thread opened meanwhile.
    static func close(_ descriptor: Int32) throws(PosixError) {
        let result = Glibc.close(descriptor)
        guard result == -1 else { return }
        let code = errno
        if code == EINTR { return }
        throw PosixError(call: "close", code: code)
    }

    /// open(2), without a creation mode (nothing is created).
    static func open(_ path: String, flags: Int32) throws(PosixError) -> Int32 {
        try syscall("open") { Glibc.open(path, flags) }
    }

    /// dup2(2).
    static func dup2(_ descriptor: Int32, to target: Int32) throws(PosixError) {
        _ = try syscall("dup2") { Glibc.dup2(descriptor, target) }
    }

    /// fcntl(2) with no argument (`F_GETFD`, `F_GETFL`).
    static func fcntl(_ descriptor: Int32, _ command: Int32) throws(PosixError) -> Int32 {
        try syscall("fcntl") { Glibc.fcntl(descriptor, command) }
    }

    /// fcntl(2) with an integer argument (`F_SETFL`, `F_DUPFD_CLOEXEC`).
    @discardableResult
    static func fcntl(_ descriptor: Int32, _ command: Int32, _ argument: Int32) throws(PosixError) -> Int32 {
        try syscall("fcntl") { Glibc.fcntl(descriptor, command, argument) }
    }

    /// read(2) into `buffer`: the count read, 0 at end of input.
    @inline(__always)
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(PosixError) -> Int {
        try syscall("read") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// write(2) of `buffer`: the count written, which may be short.
    @inline(__always)
    static func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws(PosixError) -> Int {
        try syscall("write") { Glibc.write(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// writev(2) of `vectors` (at most `IOV_MAX`): the count written, which may be short.
    static func writev(_ descriptor: Int32, _ vectors: UnsafeBufferPointer<iovec>) throws(PosixError) -> Int {
        try syscall("writev") { Glibc.writev(descriptor, vectors.baseAddress, Int32(vectors.count)) }
    }

    /// pread(2) into `buffer` from `offset`, leaving the file offset where it is.
    static func pread(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
        throws(PosixError) -> Int
    {
        try syscall("pread") { Glibc.pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// pwrite(2) of `buffer` at `offset`, leaving the file offset where it is.
    static func pwrite(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int) throws(PosixError) -> Int
    {
        try syscall("pwrite") { Glibc.pwrite(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// pipe2(2): a pipe whose two ends get `flags` (O_CLOEXEC) atomically.
    static func pipe(flags: Int32) throws(PosixError) -> (read: Int32, write: Int32) {
        var descriptors: (Int32, Int32) = (-1, -1)
        _ = try withUnsafeMutableBytes(of: &descriptors) { (raw) throws(PosixError) in
            let pair = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            return try syscall("pipe2") { CLinux_pipe2(pair, flags) }
        }
        return descriptors
    }

    /// eventfd(2).
    static func eventfd(initialValue: UInt32, flags: Int32) throws(PosixError) -> Int32 {
        try syscall("eventfd") { CLinux.eventfd(initialValue, flags) }
    }

    /// memfd_create(2) with close-on-exec and sealing allowed; `name` is shown in /proc only.
    static func memfdCreate(name: String) throws(PosixError) -> Int32 {
        try syscall("memfd_create") { CLinux_memfdCreate(name) }
    }

    /// Seals a memfd against every change (write, grow, shrink, further seals).
    static func memfdSealAll(_ descriptor: Int32) throws(PosixError) {
        _ = try syscall("fcntl") { CLinux_memfdSealAll(descriptor) }
    }

    /// ftruncate(2).
    static func ftruncate(_ descriptor: Int32, length: Int) throws(PosixError) {
        _ = try syscall("ftruncate") { Glibc.ftruncate(descriptor, off_t(length)) }
    }

    /// fstat(2).
    static func fstat(_ descriptor: Int32) throws(PosixError) -> stat {
        var status = stat()
        _ = try syscall("fstat") { Glibc.fstat(descriptor, &status) }
        return status
    }

    /// lstat(2): the file at `path` itself, not what a symbolic link there points to.
    static func lstat(_ path: String) throws(PosixError) -> stat {
        var status = stat()
        _ = try syscall("lstat") { Glibc.lstat(path, &status) }
        return status
    }

    /// mmap(2) of a whole file from its start.
    static func mmap(length: Int, protection: Int32, flags: Int32, descriptor: Int32) throws(PosixError)
        -> UnsafeMutableRawPointer
    {
        guard let mapping = Glibc.mmap(nil, length, protection, flags, descriptor, 0), mapping != MAP_FAILED else {
            throw PosixError(call: "mmap", code: errno)
        }
        return mapping
    }

    /// munmap(2).
    static func munmap(_ address: UnsafeMutableRawPointer, length: Int) throws(PosixError) {
        _ = try syscall("munmap") { Glibc.munmap(address, length) }
    }

    // MARK: Files by path

    /// chmod(2).
    static func chmod(_ path: String, mode: mode_t) throws(PosixError) {
        _ = try syscall("chmod") { Glibc.chmod(path, mode) }
    }

    /// chown(2); `uid_t.max` (-1) keeps the owner.
    static func chown(_ path: String, owner: uid_t, group: gid_t) throws(PosixError) {
        _ = try syscall("chown") { Glibc.chown(path, owner, group) }
    }

    /// unlink(2).
    static func unlink(_ path: String) throws(PosixError) {
        _ = try syscall("unlink") { Glibc.unlink(path) }
    }

    /// umask(2), which cannot fail: sets the process's file creation mask, returns the previous one.
    @discardableResult
    static func umask(_ mask: mode_t) -> mode_t {
        Glibc.umask(mask)
    }

    // MARK: Sockets

    /// socket(2).
    static func socket(domain: Int32, type: Int32, protocol: Int32 = 0) throws(PosixError) -> Int32 {
        try syscall("socket") { Glibc.socket(domain, type, `protocol`) }
    }

    /// bind(2).
    static func bind(_ descriptor: Int32, address: UnsafePointer<sockaddr>, length: socklen_t) throws(PosixError) {
        _ = try syscall("bind") { Glibc.bind(descriptor, address, length) }
    }

    /// listen(2).
    static func listen(_ descriptor: Int32, backlog: Int32) throws(PosixError) {
        _ = try syscall("listen") { Glibc.listen(descriptor, backlog) }
    }

    /// connect(2). Not retried on `EINTR`: the connection attempt goes on regardless, and a second call would report
    /// `EALREADY` rather than its outcome.
    static func connect(_ descriptor: Int32, address: UnsafePointer<sockaddr>, length: socklen_t) throws(PosixError) {
        _ = try syscall("connect", retryingInterrupts: false) { Glibc.connect(descriptor, address, length) }
    }

    /// accept4(2) with no peer address: a connection from `listener`, with `flags` (SOCK_CLOEXEC) set on it.
    /// On the request path: one call per connection, and `EAGAIN` (another thread won it) is an ordinary outcome.
    @inline(__always)
    static func accept4(_ listener: Int32, flags: Int32) throws(PosixError) -> Int32 {
        try syscall("accept4") { CLinux_accept4(listener, flags) }
    }

    /// shutdown(2).
    static func shutdown(_ descriptor: Int32, how: Int32) throws(PosixError) {
        _ = try syscall("shutdown") { Glibc.shutdown(descriptor, how) }
    }

    /// setsockopt(2) with a value of a plain C type (`Int32`, `timeval`).
    @inline(__always)
    static func setsockopt<Value: BitwiseCopyable>(_ descriptor: Int32, level: Int32, option: Int32, value: Value)
        throws(PosixError)
    {
        _ = try withUnsafeBytes(of: value) { (raw) throws(PosixError) in
            try syscall("setsockopt") {
                Glibc.setsockopt(descriptor, level, option, raw.baseAddress, socklen_t(raw.count))
            }
        }
    }

    /// getsockopt(2) of an integer option (`SO_ACCEPTCONN`).
    static func getsockopt(_ descriptor: Int32, level: Int32, option: Int32) throws(PosixError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try syscall("getsockopt") { Glibc.getsockopt(descriptor, level, option, &value, &length) }
        return value
    }

    /// getsockname(2): the address a socket is bound to.
    static func getsockname(_ descriptor: Int32) throws(PosixError) -> sockaddr_storage {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &address) { (pointer) throws(PosixError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(PosixError) in
                try syscall("getsockname") { Glibc.getsockname(descriptor, raw, &length) }
            }
        }
        return address
    }

    /// getaddrinfo(3): the addresses of `host` and `service`; free the list with `freeaddrinfo`.
    /// - Throws: a `PosixError` carrying getaddrinfo's own code, worded by `gai_strerror`.
    static func getaddrinfo(host: String, service: String, hints: addrinfo) throws(PosixError)
        -> UnsafeMutablePointer<addrinfo>
    {
        var hints = hints
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = Glibc.getaddrinfo(host, service, &hints, &list)
        guard resolved == 0, let list else { throw PosixError(addressInfoCode: resolved) }
        return list
    }

    /// freeaddrinfo(3).
    static func freeaddrinfo(_ list: UnsafeMutablePointer<addrinfo>) {
        Glibc.freeaddrinfo(list)
    }

    // MARK: Waiting

    /// epoll_create1(2).
    static func epollCreate(flags: Int32) throws(PosixError) -> Int32 {
        try syscall("epoll_create1") { CLinux.epoll_create1(flags) }
    }

    /// epoll_ctl(2).
    static func epollControl(_ epoll: Int32, operation: Int32, descriptor: Int32, event: inout epoll_event)
        throws(PosixError)
    {
        _ = try syscall("epoll_ctl") { CLinux.epoll_ctl(epoll, operation, descriptor, &event) }
    }

    /// epoll_wait(2): how many of `events` were filled. Retried on `EINTR`, which suits its one caller, an accept
    /// thread waiting without a timeout (-1); a caller with a timeout would have to recompute it.
    @inline(__always)
    static func epollWait(_ epoll: Int32, events: UnsafeMutablePointer<epoll_event>, maximum: Int32, timeout: Int32)
        throws(PosixError) -> Int32
    {
        try syscall("epoll_wait") { CLinux.epoll_wait(epoll, events, maximum, timeout) }
    }

    /// poll(2). Not retried on `EINTR`: the caller waits up to a deadline of its own and must poll again with what is
    /// left of it, not with the whole timeout.
    static func poll(_ descriptors: UnsafeMutablePointer<pollfd>, count: Int, timeout milliseconds: Int32)
        throws(PosixError) -> Int32
    {
        try syscall("poll", retryingInterrupts: false) { Glibc.poll(descriptors, nfds_t(count), milliseconds) }
    }

    /// usleep(3): pauses the calling thread. A signal may end the pause early (not retried: a pause is a pause).
    static func usleep(_ microseconds: UInt32) {
        _ = Glibc.usleep(microseconds)
    }

    // MARK: Processes

    /// getpid(2), which cannot fail.
    static func getpid() -> pid_t { Glibc.getpid() }

    /// getppid(2), which cannot fail.
    static func getppid() -> pid_t { Glibc.getppid() }

    /// kill(2).
    static func kill(_ pid: pid_t, _ signal: Int32) throws(PosixError) {
        _ = try syscall("kill") { Glibc.kill(pid, signal) }
    }

    /// waitpid(2): the pid reaped (0 with `WNOHANG` when none has ended) and its raw wait status.
    static func waitpid(_ pid: pid_t, options: Int32) throws(PosixError) -> (pid: pid_t, status: Int32) {
        var status: Int32 = 0
        let reaped = try syscall("waitpid") { Glibc.waitpid(pid, &status, options) }
        return (reaped, status)
    }

    /// posix_spawn(3), or posix_spawnp(3) with `searchingPath`: starts `executable` with `arguments` (argv, its
    /// first element included) and `environment` ("NAME=value"), after dup2 of each `descriptors` pair in order
    /// (so a later pair may reuse a number an earlier one has already copied away), with `signalMask` blocked and
    /// every signal in `defaultSignals` at its default action. Every other descriptor of ours should be
    /// close-on-exec. Use it through `ChildProcess`, which states all of that for each kind of child.
    static func spawn(
        executable: String, searchingPath: Bool, arguments: [String], environment: [String],
        descriptors: [(source: Int32, target: Int32)], signalMask: sigset_t, defaultSignals: sigset_t
    ) throws(PosixError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in descriptors { posix_spawn_file_actions_adddup2(&actions, source, target) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = signalMask
        var defaults = defaultSignals
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for argument in argv { free(argument) }
            for variable in envp { free(variable) }
        }
        var pid: pid_t = 0
        if searchingPath {
            try errorNumberCall("posix_spawnp") { posix_spawnp(&pid, executable, &actions, &attributes, argv, envp) }
        } else {
            try errorNumberCall("posix_spawn") { posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        return pid
    }

    /// unsetenv(3).
    static func unsetenv(_ name: String) {
        _ = Glibc.unsetenv(name)
    }

    // MARK: Signals (used by `Signals`, which owns the policy)

    /// signal(2): sets a signal's disposition (`SIG_DFL`, `SIG_IGN`).
    static func signal(_ signal: Int32, _ handler: sighandler_t?) throws(PosixError) {
        let previous = Glibc.signal(signal, handler)
        guard unsafeBitCast(previous, to: Int.self) != unsafeBitCast(SIG_ERR, to: Int.self) else {
            throw PosixError(call: "signal", code: errno)
        }
    }

    /// sigaction(2): sets `signal`'s action to `new` (when given) and returns the one it had. (Not named `sigaction`:
    /// in Swift that name is also the C struct's, and a member of that name would hide the C function here.)
    static func signalAction(_ signal: Int32, new: sigaction?) throws(PosixError) -> sigaction {
        var previous = sigaction()
        if var new {
            _ = try syscall("sigaction") { sigaction(signal, &new, &previous) }
        } else {
            _ = try syscall("sigaction") { sigaction(signal, nil, &previous) }
        }
        return previous
    }

    /// pthread_sigmask(3): the calling thread's signal mask (threads created later inherit it).
    static func pthreadSigmask(how: Int32, set: sigset_t) throws(PosixError) {
        var set = set
        try errorNumberCall("pthread_sigmask") { pthread_sigmask(how, &set, nil) }
    }

    /// sigwait(3): waits for one of `set` (blocked in every thread) and returns it.
    static func sigwait(_ set: sigset_t) throws(PosixError) -> Int32 {
        var set = set
        var received: Int32 = 0
        try errorNumberCall("sigwait") { Glibc.sigwait(&set, &received) }
        return received
    }

    /// sigtimedwait(2): one of `set` if it arrives within `timeout`. Not retried on `EINTR`: the caller waits in a
    /// loop that does its own bookkeeping between waits; `EAGAIN` is the timeout.
    static func sigtimedwait(_ set: sigset_t, timeout: timespec) throws(PosixError) -> Int32 {
        var set = set
        var timeout = timeout
        return try syscall("sigtimedwait", retryingInterrupts: false) { Glibc.sigtimedwait(&set, nil, &timeout) }
    }

    // MARK: Clocks, users, terminals

    /// clock_gettime(2), which cannot fail for the clocks used here (`CLOCK_REALTIME`, `CLOCK_MONOTONIC`).
    @inline(__always)
    static func clockTime(_ clock: clockid_t) -> timespec {
        var now = timespec()
        _ = clock_gettime(clock, &now)
        return now
    }

    /// isatty(3).
    static func isTerminal(_ descriptor: Int32) -> Bool {
        Glibc.isatty(descriptor) == 1
    }

    /// The id of a group by name (getgrnam(3)), or nil when there is none.
    static func groupID(named name: String) -> gid_t? {
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }
}
