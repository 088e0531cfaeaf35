import CheckDomain
import Foundation
import Testing

@testable import FCGICheckApp

/// The log's timestamps are the calendar `gmtime_r` gives, written in ISO 8601, for any second of years 1 to 9999.
@Suite struct LogTimestampTests {
    /// The timestamp as `gmtime_r` and `%04d`-style formatting make it.
    private static func expected(_ time: timespec, withMilliseconds: Bool) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        _ = gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = padded(parts.tm_year + 1900, 4) + "-" + padded(parts.tm_mon + 1, 2) + "-" + padded(parts.tm_mday, 2)
        text += "T" + padded(parts.tm_hour, 2) + ":" + padded(parts.tm_min, 2) + ":" + padded(parts.tm_sec, 2)
        if withMilliseconds { text += "." + padded(Int32(time.tv_nsec / 1_000_000), 3) }
        return text + "Z"
    }

    private static func written(_ time: timespec, withMilliseconds: Bool) -> String {
        var writer = PythonJSONWriter(capacity: 1)
        LogTimestamp.append(time, withMilliseconds: withMilliseconds, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func everyKindOfDayIsWrittenAsGmtimeReadsIt() {
        let first: Int = -62_135_596_800  // 0001-01-01T00:00:00Z
        let last: Int = 253_402_300_799  // 9999-12-31T23:59:59Z
        var times: [Int] = [
            first, last, 0, -1, 1, 86_399, 86_400, -86_400, -86_401,
            951_782_399, 951_782_400, 951_868_800,  // 2000-02-28T23:59:59, 2000-02-29 (a leap day of a 400th year)
            4_107_542_399, 4_107_542_400,  // 2100-02-28T23:59:59, 2100-03-01 (no leap day in 2100)
            1_709_164_800, 1_764_547_200, 1_798_761_599,  // 2024-02-29, 2025-12-01, 2026-12-31T23:59:59
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { times.append(Int.random(in: first...last, using: &generator)) }
        for seconds in times {
            let time = timespec(tv_sec: seconds, tv_nsec: Int.random(in: 0..<1_000_000_000, using: &generator))
            for withMilliseconds in [false, true] {
                #expect(
                    Self.written(time, withMilliseconds: withMilliseconds)
                        == Self.expected(time, withMilliseconds: withMilliseconds), "\(seconds)")
            }
        }
    }

    @Test func nowIsTheClockToTheSecond() throws {
        let before = Date()
        let text = LogTimestamp.now()
        let parsed = try #require(ISO8601DateFormatter().date(from: text))
        #expect(text.count == 20)
        #expect(parsed.timeIntervalSince(before) > -1.5 && parsed.timeIntervalSince(before) < 5)
    }
}
