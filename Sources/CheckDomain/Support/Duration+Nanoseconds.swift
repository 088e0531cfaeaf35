extension Duration {
    /// The duration in nanoseconds, held within ±2^62 (some 146 years), so that adding it to an instant of the
    /// monotonic clock cannot overflow.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let limit: Int64 = 1 << 62
        guard seconds.magnitude < UInt64(limit / 1_000_000_000) else { return seconds < 0 ? -limit : limit }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
