/// Growable bytes written through a pointer, for `PythonJSONWriter`: appending a literal is a copy and a count, where
/// `Array`'s generic append costs several times that (an answer of the default catalogue makes some 1,200 appends).
///
/// Not copyable: the buffer owns its memory alone, so an append is a capacity check and a copy. (As a copy-on-write
/// value, each append first asked the runtime whether the memory was shared: a call per append, some 10,000
/// instructions an answer of the default catalogue.)
struct ByteBuffer: ~Copyable, @unchecked Sendable {
    // @unchecked: the memory is reached only through this value, which cannot be copied.
    private var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// The bytes, as an array.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

    /// The bytes, their memory handed over as it is.
    consuming func written() -> WrittenBytes {
        let written = WrittenBytes(takingOver: start, count: count)
        discard self
        return written
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, length: Int) {
        if count + length > capacity { reallocate(toHold: count + length) }
        if length <= 16 {
            Self.copy(upTo16: length, from: source, to: start + count)
        } else if length <= 32 {
            Self.copy(upTo32: length, from: source, to: start + count)
        } else {
            (start + count).update(from: source, count: length)
        }
        count += length
    }

    /// Appends a copy of `length` bytes already written, from `offset`: a piece of the answer written before (see
    /// `NodeFailures.appendUnknown`).
    @inline(__always)
    mutating func appendWritten(from offset: Int, length: Int) {
        precondition(offset >= 0 && length >= 0 && offset + length <= count, "appendWritten past the bytes written")
        if count + length > capacity { reallocate(toHold: count + length) }
        // After the room is made: the bytes may have moved.
        append(start + offset, length: length)
    }

    /// Copies up to 16 bytes with at most two loads and two stores, which may overlap, and no call: most appends are
    /// punctuation, a key, a number or a short word, where `memcpy`'s call and size dispatch cost more than the copy.
    @inline(__always)
    private static func copy(
        upTo16 length: Int, from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>
    ) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        @inline(__always)
        func copyEnds<Word: FixedWidthInteger>(_: Word.Type) {
            let size = MemoryLayout<Word>.size
            let head = from.loadUnaligned(as: Word.self)
            let tail = from.loadUnaligned(fromByteOffset: length - size, as: Word.self)
            to.storeBytes(of: head, as: Word.self)
            to.storeBytes(of: tail, toByteOffset: length - size, as: Word.self)
        }
        switch length {
        case 8...16: copyEnds(UInt64.self)
        case 4...7: copyEnds(UInt32.self)
        case 2...3: copyEnds(UInt16.self)
        case 1: target.pointee = source.pointee
        default: break
        }
    }

    /// Copies 17 to 32 bytes as two 16-byte halves, which may overlap (a literal such as `,"actual":null,"fix":null}`,
    /// a host and its key): four loads and four stores, no call.
    @inline(__always)
    private static func copy(
        upTo32 length: Int, from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>
    ) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        let head = (from.loadUnaligned(as: UInt64.self), from.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let tail = (
            from.loadUnaligned(fromByteOffset: length - 16, as: UInt64.self),
            from.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        )
        to.storeBytes(of: head.0, as: UInt64.self)
        to.storeBytes(of: head.1, toByteOffset: 8, as: UInt64.self)
        to.storeBytes(of: tail.0, toByteOffset: length - 16, as: UInt64.self)
        to.storeBytes(of: tail.1, toByteOffset: length - 8, as: UInt64.self)
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { reallocate(toHold: count + 1) }
        start[count] = byte
        count += 1
    }

    /// Calls `body` with the bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// Drops the first `length` bytes, keeping the memory.
    mutating func removeFirst(_ length: Int) {
        precondition(length >= 0 && length <= count, "removeFirst past the end")
        start.update(from: start + length, count: count - length)
        count -= length
    }

    /// Moves the bytes to memory with room for `needed` bytes.
    private mutating func reallocate(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: start, count: count)
        start.deallocate()
        start = grown
        capacity = newCapacity
    }
}
