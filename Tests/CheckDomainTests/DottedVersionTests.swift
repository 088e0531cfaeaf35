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

    /// `ReleaseVersion.isBelow(text, minimum)`, which reads a release's leading version as it compares, agrees with
    /// reading it into a `DottedVersion` and comparing as release numbers (both as they were done before, kept below as
    /// the answer to check against), for releases of every shape.
    @Test func judgingAReleaseAgreesWithReadingAndComparing() throws {
        let minimums = try ["7.2", "7", "7.2.0", "3.10", "V10", "0", "10.0.1.5", "9223372036854775807"].map {
            try #require(ReleaseVersion.exact($0))
        }
        var texts = [
            "7.1", "7.2", "7.2.0", "7.2.1", "7.3", "7", "7.0", "7.0.0", "6", "8", "V10", "v10.1", "V", "V.", "10abc",
            "8.x", "7.9 (Core)", "3.10.0-1160.el7.x86_64", "5.15.0-91-generic", "3.9.", "3..10", ".3", "", ".",
            "9223372036854775807", "9223372036854775808", "7.2é", "7.2-é", "7.2٣", "18.04 LTS", "10.0.1.5.0.0",
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.0123456789.0-xV ")
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...10, using: &generator)
            texts.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        texts += ["V\u{301}10", "7.2\u{301}", "7.2\u{1D400}", "7.2é", "ｖ10", "v.7", "V7.", "7.2\u{00A0}x"]
        for minimum in minimums {
            for text in texts {
                let expected = Self.leading(text).map { Self.isBelow($0, minimum) }
                #expect(ReleaseVersion.isBelow(text, minimum) == expected, "\(text) against \(minimum)")
            }
        }
    }

    /// Release numbers compared as they were before: parsed, then part by part with missing parts as zeros.
    static func isBelow(_ version: DottedVersion, _ minimum: DottedVersion) -> Bool {
        for index in 0..<max(version.parts.count, minimum.parts.count) {
            let left = index < version.parts.count ? version.parts[index] : 0
            let right = index < minimum.parts.count ? minimum.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    /// The reading of a release's leading version before it was done on bytes alone (on a `Substring`, the `V` taken
    /// as a character), kept here as the answer to check against.
    static func leading(_ text: String) -> DottedVersion? {
        var rest = Substring(text)
        if let first = rest.first, first == "V" || first == "v" { rest = rest.dropFirst() }
        let bytes = rest.utf8
        var end = bytes.startIndex
        while end < bytes.endIndex, bytes[end] == UInt8(ascii: ".") || (0x30...0x39).contains(bytes[end]) {
            end = bytes.index(after: end)
        }
        if end < bytes.endIndex {
            let next = bytes[end]
            if next < 0x80 {
                if (0x41...0x5A).contains(next) || (0x61...0x7A).contains(next) { return nil }
            } else if rest[end...].first?.isLetter == true {
                return nil
            }
        }
        var numeric = rest[..<end]
        while numeric.utf8.last == UInt8(ascii: ".") { numeric = numeric.dropLast() }
        return DottedVersion(text, parsing: numeric)
    }
}
