import Testing

@testable import CheckDomain

/// `DottedVersion.isBelow(_:_:)`, which judges a version's text without making its parts, agrees with parsing it and
/// comparing: on what is a version, on the answer, for texts of every shape.
@Suite struct DottedVersionTests {
    @Test func judgingTheTextAgreesWithParsingAndComparing() throws {
        let minimums = try ["7.2", "7", "7.2.0", "18.04", "0", "10.0.1.5", "9223372036854775807"].map {
            try #require(DottedVersion($0))
        }
        var texts = [
            "7.1", "7.2", "7.2.0", "7.2.1", "7.3", "7", "6", "8", "7.10", "7.9", "07.02", "", ".", "7.", ".7", "7..2",
            "7.2a", "V7", "7,2", " 7.2", "18.04", "18.4", "18.03.9", "0", "0.0", "10.0.1.4", "10.0.1.5.0",
            "9223372036854775807", "9223372036854775808", "99999999999999999999.1", "7.٣", "７.2",
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.0123456789.x")
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...9, using: &generator)
            texts.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for minimum in minimums {
            for text in texts {
                let expected = DottedVersion(text).map { $0 < minimum }
                #expect(DottedVersion.isBelow(text, minimum) == expected, "\(text) against \(minimum)")
            }
        }
    }
}
