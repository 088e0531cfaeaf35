import Foundation

/// A value shared between threads, behind a lock.
///
/// `Synchronization.Mutex` would be the first choice, but on Linux it is built on raw futexes that ThreadSanitizer
/// cannot see, so every critical section shows up as a data race in `swift test --sanitize=thread`. `NSLock` is a
/// pthread mutex, which ThreadSanitizer understands.
public final class LockedValue<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written with `lock` held.
    private var value: Value
    private let lock = NSLock()

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
