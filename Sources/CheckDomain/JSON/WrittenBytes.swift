/// The bytes a `PythonJSONWriter` wrote, handed on where they are: an answer's body goes from the writer to the web
/// server without a copy into an array (`PythonJSONWriter.written()`).
///
/// A catalogue answer is some 10 KiB: copied into an array it cost an allocation too large for the thread's cache of
/// small blocks and a copy of every byte, only to be written out and freed.
public final class WrittenBytes: @unchecked Sendable {
    // @unchecked: the memory is written before this object exists and never after; it is only read and freed.
    private let start: UnsafeMutablePointer<UInt8>
    /// How many bytes there are.
    public let count: Int

    /// Takes over `count` bytes at `start`, allocated with `UnsafeMutablePointer.allocate`; they are freed with it.
    init(takingOver start: UnsafeMutablePointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    deinit { start.deallocate() }

    /// Calls `body` with the bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// The bytes, copied into an array.
    public var array: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }
}
