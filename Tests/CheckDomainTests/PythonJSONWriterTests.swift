import Testing

@testable import CheckDomain

@Suite struct PythonJSONWriterTests {
    @Test(arguments: [
        (1.0, "1.0"), (100.0, "100.0"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (1.5, "1.5"), (-2.5, "-2.5"), (-0.0, "-0.0"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (123456789.125, "123456789.125"), (0.1, "0.1"),
        (12345678901234567.0, "1.2345678901234568e+16"), (1e22, "1e+22"), (2.5e-7, "2.5e-07"),
    ])
    func floatsAreWrittenAsPythonsRepr(value: Double, expected: String) {
        #expect(PythonJSONWriter.pythonRepr(value) == expected)
    }

    /// Bytes written before are copied as they were, of every length a copy takes its own way for (up to 16, 17 to
    /// 32, longer), including when the copy makes the buffer grow: the room is made before the bytes are read.
    @Test func bytesWrittenBeforeAreCopiedAsTheyWereAsTheBufferGrows() {
        let text = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var writer = PythonJSONWriter(capacity: 16)
        var expected: [UInt8] = []
        text.withUnsafeBufferPointer { writer.raw($0) }
        expected += text
        for length in [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 62] {
            for offset in [0, 1, text.count - length] {
                let before = writer.count
                writer.rawWritten(from: offset, length: length)
                expected += expected[offset..<(offset + length)]
                #expect(writer.count == before + length)
            }
        }
        #expect(writer.bytes == expected)
    }

    @Test func stringsAreEscapedAsJSONDumpsWithEnsureASCIIFalse() {
        var writer = PythonJSONWriter()
        writer.string("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é中😀/")
        #expect(
            String(decoding: writer.bytes, as: UTF8.self) == "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}é中😀/\"")
    }

    /// The escape, byte by byte, that the eight-bytes-at-a-time scan must agree with.
    private static func escapedByteByByte(_ text: String) -> String {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += Array("\\\"".utf8)
            case 0x5C: out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case ..<0x20:
                let hex = String(byte, radix: 16)
                out += Array(("\\u00" + (hex.count == 1 ? "0" : "") + hex).utf8)
            default: out.append(byte)
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func everyByteToEscapeIsFoundAtEveryPositionOfAWord() {
        // Each byte that needs an escape, and its neighbours that do not (0x1f/0x20, 0x21-0x23, 0x5b-0x5d, 0x7f,
        // 0x80 and up inside UTF-8), at each offset of strings of 0 to 24 bytes: the scan looks at eight bytes at a
        // time, and a byte to escape in any lane of a word, or in the tail, must be found.
        let specials: [String] = ["\"", "\\", "\n", "\u{0}", "\u{1f}", " ", "!", "#", "[", "]", "\u{7f}", "é", "中"]
        for length in 0...24 {
            for offset in 0..<max(length, 1) {
                for special in specials {
                    var text = String(repeating: "a", count: length)
                    if length > 0 {
                        let index = text.index(text.startIndex, offsetBy: offset)
                        text.replaceSubrange(index...index, with: special)
                    }
                    var writer = PythonJSONWriter(capacity: 1)
                    writer.string(text)
                    #expect(String(decoding: writer.bytes, as: UTF8.self) == Self.escapedByteByByte(text))
                }
            }
        }
    }

    /// A message kept in pieces reads and is written exactly as the joined string would be: pieces of every kind
    /// (empty, small, long, literal, with bytes to escape at their edges, non-ASCII), more pieces than it keeps apart,
    /// and equal to the same text pieced otherwise.
    @Test func aMessageInPiecesIsWrittenAsItsJoinedText() {
        let pieces = [
            "", "172.16.70.101", " ", "内核版本", "未知", "\"", "\\", "\n", "a\u{1}b", String(repeating: "x", count: 40),
            "ends with a quote\"", "\"starts with one", "😀", "é", "host-name-longer-than-fifteen-bytes",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let chosen = (0..<Int.random(in: 0...7, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }
            var composition = MessageText(literalCapacity: 0, interpolationCount: chosen.count)
            for (index, piece) in chosen.enumerated() {
                if index.isMultiple(of: 2) {
                    composition.appendLiteral(piece)
                } else {
                    composition.appendInterpolation(piece)
                }
            }
            let text = MessageText(stringInterpolation: composition)
            let joined = chosen.joined()
            #expect(text.string == joined)
            #expect(text == MessageText(joined))
            var piecewise = PythonJSONWriter(capacity: 1)
            piecewise.string(text)
            var whole = PythonJSONWriter(capacity: 1)
            whole.string(joined)
            #expect(piecewise.bytes == whole.bytes, "\(chosen)")
            #expect(String(decoding: piecewise.bytes, as: UTF8.self) == Self.escapedByteByByte(joined))
        }
        let interpolated: MessageText = "\(Int64(-5)) \(UInt8(7)) \(1.5) \("a"[...]) \(true)"
        #expect(interpolated.string == "-5 7 1.5 a true")
    }

    /// Strings read in place (a message's pieces, an optional string, two strings' contents one after another) are
    /// written as `string(_:)` writes them, with Python's `ensure_ascii` as without it, and are left as they were.
    @Test func stringsReadInPlaceAreWrittenAsStringsAreWithEitherEscaping() {
        for escapesNonASCII in [false, true] {
            for value in [
                "", "a", "中 \"x\"\n", "😀" + String(repeating: "长", count: 9), "host-name-longer-than-fifteen",
            ] {
                var message: MessageText = "\(value) 未知"
                var optional: String? = value
                var absent: String? = nil
                var inPlace = PythonJSONWriter(escapesNonASCII: escapesNonASCII)
                withUnsafeMutablePointer(to: &message) { inPlace.string(message: $0) }
                withUnsafeMutablePointer(to: &optional) { inPlace.optionalString(at: $0) }
                withUnsafeMutablePointer(to: &absent) { inPlace.optionalString(at: $0) }
                inPlace.byte(UInt8(ascii: "\""))
                inPlace.stringContents(of: value)
                inPlace.stringContents(of: " 未知")
                inPlace.byte(UInt8(ascii: "\""))
                var whole = PythonJSONWriter(escapesNonASCII: escapesNonASCII)
                whole.string(value + " 未知")
                whole.string(value)
                whole.raw("null")
                whole.string(value + " 未知")
                #expect(inPlace.bytes == whole.bytes, "\(value), escapesNonASCII: \(escapesNonASCII)")
                #expect(message.string == value + " 未知" && optional == value && absent == nil)
            }
        }
    }

    /// Short appends are copied without `memcpy` (two loads and two stores that may overlap): every length from 0
    /// to 40, from any offset of the source, into a buffer at any fill, lands byte for byte.
    @Test func appendsOfEveryShortLengthLandWhole() {
        let source = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for fill in [0, 1, 7, 15, 16] {
            for offset in [0, 1, 3, 8] {
                for length in 0...40 {
                    var writer = PythonJSONWriter(capacity: 1)
                    var expected: [UInt8] = []
                    for index in 0..<fill {
                        writer.byte(UInt8(index))
                        expected.append(UInt8(index))
                    }
                    source.withUnsafeBufferPointer { all in
                        writer.raw(UnsafeBufferPointer(rebasing: all[offset..<offset + length]))
                    }
                    expected += source[offset..<offset + length]
                    writer.raw("!")
                    expected.append(UInt8(ascii: "!"))
                    #expect(writer.bytes == expected, "fill \(fill), offset \(offset), length \(length)")
                }
            }
        }
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -10, -1, 0, 1, 9, 10, 99, 100, 1_234_567_890, Int64.max])
    func integersAreWrittenAsStringWritesThem(value: Int64) {
        var writer = PythonJSONWriter()
        writer.integer(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        var bytes: [UInt8] = [0x3A]
        bytes.appendDecimal(value)
        #expect(bytes == Array((":" + String(value)).utf8))
    }

    @Test func bigIntegersKeepTheirDigitsBeyondInt64() {
        let digits = { (text: String) in
            BigInteger(negative: text.hasPrefix("-"), digits: Array(text.trimmingPrefix("-").utf8))
        }
        #expect(digits("9223372036854775807").int64Value == .max)
        #expect(digits("-9223372036854775808").int64Value == .min)
        #expect(digits("9223372036854775808").int64Value == nil)
        #expect(digits("9223372036854775808").description == "9223372036854775808")
        #expect(digits("-9223372036854775809").description == "-9223372036854775809")
        #expect(digits("00042").description == "42")
        #expect(digits("-0").description == "0")
        #expect(digits("00042") == BigInteger(42))
        #expect(digits("123456789012345678901234567890") != digits("123456789012345678901234567891"))
        var writer = PythonJSONWriter()
        writer.integer(digits("-123456789012345678901234567890"))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "-123456789012345678901234567890")
    }

    @Test func nonFiniteFloatsStayValidJSON() {
        var writer = PythonJSONWriter()
        writer.value(.array([.float(.nan), .float(.infinity), .float(-.infinity)]))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"["NaN","Infinity","-Infinity"]"#)
    }

    @Test func bigIntegersFromDoublesAreExact() {
        #expect(BigInteger(exactly: 1e30)?.description == "1000000000000000019884624838656")
        #expect(BigInteger(exactly: -9.223372036854775808e18)?.description == "-9223372036854775808")
        #expect(BigInteger(exactly: 0.5) == nil)
    }
}
