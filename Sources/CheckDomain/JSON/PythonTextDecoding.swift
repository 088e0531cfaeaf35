/// Turns request body bytes into the text Python's `json.loads(bytes)` would see, as generalized UTF-8.
///
/// `json.loads` picks the encoding with `json.detect_encoding` (UTF-8, UTF-8 with BOM, UTF-16 and UTF-32 in either
/// byte order, with or without BOM) and decodes with `surrogatepass`, so lone surrogates are accepted. The result is
/// UTF-8 in which a lone surrogate is kept as its 3-byte form (ED A0 80 ... ED BF BF), so that every code point,
/// including such a surrogate, is exactly one lead byte: character offsets stay countable.
enum PythonTextDecoding {
    /// The encodings `json.detect_encoding` can choose.
    enum Encoding: Equatable {
        case utf8, utf8WithBOM, utf16BOM, utf16LE, utf16BE, utf32BOM, utf32LE, utf32BE
    }

    /// The bytes could not be decoded (Python raises `UnicodeDecodeError`).
    struct DecodingError: Error {}

    /// Python's `json.detect_encoding`.
    static func detectEncoding(_ bytes: [UInt8]) -> Encoding {
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            return .utf32BOM
        }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) { return .utf16BOM }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8WithBOM }
        if bytes.count >= 4 {
            if bytes[0] == 0 { return bytes[1] != 0 ? .utf16BE : .utf32BE }
            if bytes[1] == 0 { return bytes[2] != 0 || bytes[3] != 0 ? .utf16LE : .utf32LE }
        } else if bytes.count == 2 {
            if bytes[0] == 0 { return .utf16BE }
            if bytes[1] == 0 { return .utf16LE }
        }
        return .utf8
    }

    /// Decodes `bytes` as `json.loads` would, returning generalized UTF-8.
    /// - Throws: `DecodingError` where Python raises `UnicodeDecodeError`.
    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> [UInt8] {
        switch detectEncoding(bytes) {
        case .utf8:
            try validateUTF8(bytes[...])
            return bytes
        case .utf8WithBOM:
            let rest = bytes[3...]
            try validateUTF8(rest)
            return Array(rest)
        case .utf16BOM:
            return try decodeUTF16(bytes[2...], bigEndian: bytes[0] == 0xFE)
        case .utf16LE:
            return try decodeUTF16(bytes[...], bigEndian: false)
        case .utf16BE:
            return try decodeUTF16(bytes[...], bigEndian: true)
        case .utf32BOM:
            return try decodeUTF32(bytes[4...], bigEndian: bytes[0] == 0x00)
        case .utf32LE:
            return try decodeUTF32(bytes[...], bigEndian: false)
        case .utf32BE:
            return try decodeUTF32(bytes[...], bigEndian: true)
        }
    }

    /// Python's strict UTF-8 decoder with `surrogatepass`: encoded surrogates (ED A0..BF xx) are allowed.
    static func validateUTF8(_ bytes: ArraySlice<UInt8>) throws(DecodingError) {
        var index = bytes.startIndex
        let end = bytes.endIndex
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) throws(DecodingError) {
            guard index + offset < end, range.contains(bytes[index + offset]) else { throw DecodingError() }
        }
        while index < end {
            let lead = bytes[index]
            switch lead {
            case 0x00...0x7F:
                index += 1
                continue
            case 0xC2...0xDF:
                try continuation(1)
                index += 2
            case 0xE0:
                try continuation(1, 0xA0...0xBF)
                try continuation(2)
                index += 3
            case 0xE1...0xEF:
                try continuation(1)
                try continuation(2)
                index += 3
            case 0xF0:
                try continuation(1, 0x90...0xBF)
                try continuation(2)
                try continuation(3)
                index += 4
            case 0xF1...0xF3:
                try continuation(1)
                try continuation(2)
                try continuation(3)
                index += 4
            case 0xF4:
                try continuation(1, 0x80...0x8F)
                try continuation(2)
                try continuation(3)
                index += 4
            default:
                throw DecodingError()
            }
        }
    }

    private static func decodeUTF16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) throws(DecodingError) -> [UInt8] {
        guard bytes.count % 2 == 0 else { throw DecodingError() }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        func unit(at position: Int) -> UInt32 {
            let first = UInt32(bytes[position])
            let second = UInt32(bytes[position + 1])
            return bigEndian ? first << 8 | second : second << 8 | first
        }
        while index < bytes.endIndex {
            let code = unit(at: index)
            index += 2
            if (0xD800...0xDBFF).contains(code), index < bytes.endIndex {
                let low = unit(at: index)
                if (0xDC00...0xDFFF).contains(low) {
                    index += 2
                    appendScalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), to: &output)
                    continue
                }
            }
            appendScalar(code, to: &output)
        }
        return output
    }

    private static func decodeUTF32(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) throws(DecodingError) -> [UInt8] {
        guard bytes.count % 4 == 0 else { throw DecodingError() }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let quad = (0..<4).map { UInt32(bytes[index + $0]) }
            let code =
                bigEndian
                ? quad[0] << 24 | quad[1] << 16 | quad[2] << 8 | quad[3]
                : quad[3] << 24 | quad[2] << 16 | quad[1] << 8 | quad[0]
            guard code <= 0x10FFFF else { throw DecodingError() }
            appendScalar(code, to: &output)
            index += 4
        }
        return output
    }

    /// Appends a code point (surrogates included) in generalized UTF-8.
    static func appendScalar(_ code: UInt32, to output: inout [UInt8]) {
        switch code {
        case 0..<0x80:
            output.append(UInt8(code))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | code >> 6))
            output.append(UInt8(0x80 | code & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | code >> 12))
            output.append(UInt8(0x80 | code >> 6 & 0x3F))
            output.append(UInt8(0x80 | code & 0x3F))
        default:
            output.append(UInt8(0xF0 | code >> 18))
            output.append(UInt8(0x80 | code >> 12 & 0x3F))
            output.append(UInt8(0x80 | code >> 6 & 0x3F))
            output.append(UInt8(0x80 | code & 0x3F))
        }
    }
}
