import CheckDomain

#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 UTC timestamps for log lines: `2026-11-25T03:40:00Z`, or `2026-11-25T03:40:00.123Z`.
///
/// Made from the clock on each call, without a lock or a cache: every request writes one, from any of the accept
/// threads. The calendar date is computed from the day number (proleptic Gregorian, as `gmtime_r` does) and each field
/// written as two digits: `gmtime_r` and a digit loop with a division per digit cost some 1,900 instructions of a
/// request's access line, this about 250.
enum LogTimestamp {
    /// Now, to the second.
    static func now() -> String {
        var writer = PythonJSONWriter(capacity: 24)
        appendNow(withMilliseconds: false, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends now, to the second or the millisecond, to a writer's bytes (no quotes).
    @inline(__always)
    static func appendNow(withMilliseconds: Bool, to writer: inout PythonJSONWriter) {
        append(Posix.clockTime(CLOCK_REALTIME), withMilliseconds: withMilliseconds, to: &writer)
    }

    /// Appends a time, to the second or the millisecond, to a writer's bytes (no quotes). Years before 1 or after
    /// 9999 do not fit the format: they are written with as many digits as they need, `-` first if negative.
    static func append(_ time: timespec, withMilliseconds: Bool, to writer: inout PythonJSONWriter) {
        let seconds = Int64(time.tv_sec)
        // Days since 1970-01-01 and the second of that day, rounded down (a time before 1970 too).
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        // The civil date of a day number, counted in 400-year eras that begin on 1 March (Howard Hinnant's
        // `civil_from_days`): a leap day is then the last day of its year.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        // Written into 24 bytes on the stack, then appended at once (each of the writer's appends is a call from
        // this module). A year beyond 4 digits (not one of this clock's) is written with as many as it needs.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            var count = 0
            func put(_ byte: UInt8) {
                text[count] = byte
                count += 1
            }
            func twoDigits(_ value: Int64) {
                put(UInt8(truncatingIfNeeded: 0x30 + value / 10))
                put(UInt8(truncatingIfNeeded: 0x30 + value % 10))
            }
            if (0...9999).contains(year) {
                twoDigits(year / 100)
                twoDigits(year % 100)
            } else {
                writer.integer(year)
            }
            put(UInt8(ascii: "-"))
            twoDigits(month)
            put(UInt8(ascii: "-"))
            twoDigits(day)
            put(UInt8(ascii: "T"))
            twoDigits(secondOfDay / 3_600)
            put(UInt8(ascii: ":"))
            twoDigits(secondOfDay / 60 % 60)
            put(UInt8(ascii: ":"))
            twoDigits(secondOfDay % 60)
            if withMilliseconds {
                let milliseconds = Int64(time.tv_nsec / 1_000_000)
                put(UInt8(ascii: "."))
                put(UInt8(truncatingIfNeeded: 0x30 + milliseconds / 100))
                twoDigits(milliseconds % 100)
            }
            put(UInt8(ascii: "Z"))
            writer.raw(UnsafeBufferPointer(rebasing: text[..<count]))
        }
    }
}
