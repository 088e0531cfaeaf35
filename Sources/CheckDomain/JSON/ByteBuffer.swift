/// Growable bytes written through a pointer, for `PythonJSONWriter`: appending a literal is a copy and a count, where
/// `Array`'s generic append costs several times that (an answer of the default catalogue makes some 700 appends).
///
/// The pointer, count and capacity are the value's own fields (no class property, so no run-time exclusivity check
/// on each write); the memory belongs to `Allocation`, which frees it. A copy of the value shares the memory until
/// either writes: the writer then takes a copy first (copy on write, as `Array` does).
struct ByteBuffer: @unchecked Sendable {
    private final class Allocation {
        let start: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { start = .allocate(capacity: capacity) }
        deinit { start.deallocate() }
    }

    private var allocation: Allocation
    private var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        allocation = Allocation(capacity: self.capacity)
        start = allocation.start
    }

    /// The bytes, as an array.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, length: Int) {
        if count + length > capacity || !isKnownUniquelyReferenced(&allocation) { reallocate(toHold: count + length) }
        (start + count).update(from: source, count: length)
        count += length
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity || !isKnownUniquelyReferenced(&allocation) { reallocate(toHold: count + 1) }
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
        if !isKnownUniquelyReferenced(&allocation) { reallocate(toHold: count) }
        start.update(from: start + length, count: count - length)
        count -= length
    }

    /// Moves the bytes to memory of this value's own, with room for `needed` bytes.
    private mutating func reallocate(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = Allocation(capacity: newCapacity)
        grown.start.initialize(from: start, count: count)
        allocation = grown
        start = grown.start
        capacity = newCapacity
    }
}
