/// Bytes made once and never freed, read in place without counting references.
struct ImmortalBytes: @unchecked Sendable {
    // @unchecked: written once, before the value exists, and never again nor freed.
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ source: some Collection<UInt8>) {
        let memory = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: source.count)
        _ = memory.initialize(from: source)
        bytes = UnsafeBufferPointer(memory)
    }
}
