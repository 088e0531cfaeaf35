import Foundation
import GRDB
import Testing

@testable import CheckDomain

/// The inventory's stored dates read from their bytes are the instants GRDB reads, to the bit.
@Suite struct StoredDateTests {
    private func both(_ text: String) -> (ours: Date?, grdb: Date?) {
        var bytes = text
        let ours = bytes.withUTF8 { StoredDate.date($0) }
        return (ours, Date.fromDatabaseValue(text.databaseValue))
    }

    @Test func storedDatesAreGRDBsInstants() {
        var generator = SystemRandomNumberGenerator()
        var instants: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000.25),
            Date(timeIntervalSince1970: 951_782_400.999), Date(timeIntervalSince1970: -1), Date.distantPast,
            Date(timeIntervalSince1970: 253_402_300_799.999), Date(timeIntervalSince1970: -11_676_096_000),
        ]
        for _ in 0..<20_000 {
            instants.append(Date(timeIntervalSince1970: Double.random(in: -2e10...2.5e11, using: &generator)))
            // Near Foundation's reference date (2001), where an instant's few significant seconds leave the fraction
            // the most bits, so that the order of the additions shows.
            instants.append(Date(timeIntervalSinceReferenceDate: Double.random(in: -5e8...5e8, using: &generator)))
        }
        for instant in instants {
            // As the inventory writes it.
            guard case .string(let text) = instant.databaseValue.storage else { continue }
            let (ours, grdb) = both(text)
            guard let grdb else { continue }
            if let ours {
                #expect(ours.timeIntervalSinceReferenceDate == grdb.timeIntervalSinceReferenceDate, "\(text)")
            } else {
                #expect(text < "1600", "\(text) was not read")  // Julian dates are left to GRDB
            }
        }
    }

    @Test func anythingElseIsLeftToGRDB() {
        for text in [
            "2026-12-05 03:48:13", "2026-12-05T03:48:13.000", "2026-02-30 00:00:00.000", "2026-13-01 00:00:00.000",
            "2026-12-05 24:00:00.000", "2026-12-05 03:60:13.000", "2026-12-05 03:48:13.0000", "２026-12-05 03:48:13.000",
            "2026-12-05 03:48:1a.000", "0000-01-01 00:00:00.000", "1582-10-15 00:00:00.000", "",
        ] {
            #expect(both(text).ours == nil, "\(text)")
        }
        #expect(both("2024-02-29 23:59:59.999").ours == both("2024-02-29 23:59:59.999").grdb)
    }

    /// Found by the random instants: the fraction added to the whole seconds since 2001 rounded otherwise than
    /// Foundation, which adds it to the second of the day first.
    @Test func anInstantNearTheReferenceDateRoundsAsFoundationDoes() {
        let (ours, grdb) = both("2001-02-13 19:02:45.919")
        #expect(grdb?.timeIntervalSinceReferenceDate == 3_783_765.918_999_999_8)
        #expect(ours?.timeIntervalSinceReferenceDate == grdb?.timeIntervalSinceReferenceDate)
    }
}
