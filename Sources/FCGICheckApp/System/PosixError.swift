/// A system call that failed: the call's name and its errno, as SwiftNIO's `IOError` carries them.
///
/// It exists so that no caller reads `errno` or formats it: the call is named once, where it is made (in `Posix`), and
/// the text of the code is made once, by `message`. A caller that words its own message ("cannot bind /run/x.sock:
/// …") takes `message`; one that has nothing to add takes `description` ("epoll_create1: Too many open files").
/// A plain value with a static name, so throwing it on a hot path (accept4's EAGAIN) allocates nothing.
struct PosixError: Error, CustomStringConvertible {
    /// The call that failed, as messages name it.
    let call: StaticString
    /// The errno it failed with (for `getaddrinfo`, its `EAI_*` code).
    let code: Int32
    /// Whether `code` is a `getaddrinfo` code, which getaddrinfo's own table words, not errno's.
    let isAddressInfoCode: Bool

    /// A failure of `call` with errno `code`.
    init(call: StaticString, code: Int32) {
        self.call = call
        self.code = code
        isAddressInfoCode = false
    }

    /// A failure of `getaddrinfo`, whose codes are not errnos.
    init(addressInfoCode code: Int32) {
        call = "getaddrinfo"
        self.code = code
        isAddressInfoCode = true
    }

    /// What the code means, as the C library words it ("Address already in use").
    var message: String { Posix.errorText(code, addressInfo: isAddressInfoCode) }

    /// "socket: Too many open files".
    var description: String { "\(call): \(message)" }
}
