import Foundation

/// A date as the SQLite inventory stores it, GRDB's `yyyy-MM-dd HH:mm:ss.SSS` in UTC, read from its bytes.
///
/// GRDB reads it through its date components and Foundation's `Calendar` (some 2,700 instructions a node, for the
/// collection time that `check_facts_freshness` reads on every request); this computes the same instant from the
/// day number. Text of any other shape, a field out of its range, or a year before 1600 (Foundation's Gregorian
/// calendar is Julian before October 1582) is left to GRDB (nil here).
enum StoredDate {
    /// The instant of `bytes`, when they are exactly the storage format with every field in range.
    static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "."),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            let millisecond = number(bytes, 20, 3),
            year >= 1600, (1...12).contains(month), day >= 1, day <= daysIn(month, of: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        let dayStart = days(fromCivilYear: year, month: month, day: day) * 86_400 - 978_307_200
        let secondInDay = hour * 3_600 + minute * 60 + second
        // As Foundation adds them: the fraction to the second of the day, then the day's start since its reference
        // date. (Added to the whole seconds since the reference date instead, it rounded differently in one instant
        // of some four thousand near that date: 2001-02-13 19:02:45.919 was 3783765.919, Foundation's 3783765.9189999998.)
        return Date(
            timeIntervalSinceReferenceDate: Double(dayStart) + (Double(secondInDay) + Double(millisecond) / 1_000))
    }

    /// The decimal number of `count` digits at `offset`; nil when any is not a digit.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> Int? {
        var value = 0
        for index in offset..<offset + count {
            let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    private static func days(fromCivilYear year: Int, month: Int, day: Int) -> Int {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
