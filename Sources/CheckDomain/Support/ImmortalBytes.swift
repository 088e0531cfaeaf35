/// Bytes made once and never freed, read in place without counting references: for what every accept thread reads
/// on every request (an array there is retained and released by each reader, memory the cores then take from each
/// other), and that lives as long as the process or is interned (`ItemLabel`).
package struct ImmortalBytes: @unchecked Sendable {
    // @unchecked: written once, before the value exists, and never again nor freed.
    package let bytes: UnsafeBufferPointer<UInt8>

    package init(_ source: some Collection<UInt8>) {
        let memory = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: source.count)
        _ = memory.initialize(from: source)
        bytes = UnsafeBufferPointer(memory)
    }
}
