extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
    /// Whole microseconds, rounded down.
    var microseconds: Int64 { secondsAndMicroseconds.microseconds }
    /// Seconds as a floating-point number.
    var seconds: Double { secondsAndMicroseconds.seconds }

    /// Seconds as a floating-point number and whole microseconds, rounded down, from one read of `components`: a
    /// read divides the duration's 128-bit count of attoseconds (some 190 instructions), and a request's counters
    /// want both.
    var secondsAndMicroseconds: (seconds: Double, microseconds: Int64) {
        let (seconds, attoseconds) = components
        return (Double(seconds) + Double(attoseconds) / 1e18, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }
}
