import Foundation
import Testing

@testable import FCGICheckApp

/// What callers of `Posix` rely on: a failure names its call and its errno, worded once; the outcomes they switch on
/// (EAGAIN from a non-blocking accept, EBADF) arrive as codes, not as -1.
@Suite struct PosixTests {
    @Test func anErrorNamesItsCallAndWordsItsCode() {
        let error = PosixError(call: "socket", code: EMFILE)
        #expect(error.code == EMFILE)
        #expect(error.message == String(cString: strerror(EMFILE)))
        #expect(error.description == "socket: \(String(cString: strerror(EMFILE)))")
    }

    @Test func anAddressErrorIsWordedByGetaddrinfo() {
        let error = PosixError(addressInfoCode: EAI_NONAME)
        #expect(error.message == String(cString: gai_strerror(EAI_NONAME)))
        #expect(error.description.hasPrefix("getaddrinfo: "))
    }

    @Test func aPipeCarriesBytesAndEndsWithZero() throws {
        let pipe = try Posix.pipe(flags: O_CLOEXEC)
        defer { try? Posix.close(pipe.read) }
        let sent: [UInt8] = Array("hello".utf8)
        let written = try sent.withUnsafeBytes { bytes in try Posix.write(pipe.write, bytes) }
        #expect(written == sent.count)
        try Posix.close(pipe.write)
        var received = [UInt8](repeating: 0, count: 16)
        let count = try received.withUnsafeMutableBytes { bytes in try Posix.read(pipe.read, into: bytes) }
        #expect(Array(received[0..<count]) == sent)
        let end = try received.withUnsafeMutableBytes { bytes in try Posix.read(pipe.read, into: bytes) }
        #expect(end == 0)
    }

    @Test func aDescriptorThatIsNotOpenIsEBADF() throws {
        // Never a closed number: other tests of this process open descriptors meanwhile, and a number closed here
        // could be theirs a moment later (closing it twice would close their file).
        let notOpen: Int32 = -1
        #expect(throws: PosixError.self) { try Posix.close(notOpen) }
        do {
            _ = try Posix.fcntl(notOpen, F_GETFD)
            Issue.record("fcntl on a closed descriptor succeeded")
        } catch {
            #expect(error.code == EBADF)
            #expect(error.description.hasPrefix("fcntl: "))
        }
    }

    @Test func aNonBlockingAcceptWithNothingQueuedIsEAGAIN() throws {
        let listener = try Posix.socket(
            domain: AF_INET, type: Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
        defer { try? Posix.close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try Posix.bind(listener, address: raw, length: socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try Posix.listen(listener, backlog: 1)
        try Posix.fcntl(listener, F_SETFL, try Posix.fcntl(listener, F_GETFL) | O_NONBLOCK)
        do {
            let descriptor = try Posix.accept4(listener, flags: Int32(SOCK_CLOEXEC.rawValue))
            try? Posix.close(descriptor)
            Issue.record("accept4 returned a connection nobody made")
        } catch {
            #expect(error.code == EAGAIN)
        }
    }
}
