import Foundation

extension String {
    /// Whether `word` is one of the string's words between `separator` bytes, compared byte by byte (an empty word
    /// is never one): `split(separator:).contains(word)` for ASCII text, without splitting.
    ///
    /// Read in place: splitting into `Character`s (grapheme breaking) or slicing the UTF-8 view cost some 3,000-7,000
    /// instructions for a mount's options or a time zone, on every node of every request.
    func containsWord(_ word: String, separatedBy separator: UInt8) -> Bool {
        var text = self
        var word = word
        return text.withUTF8 { text in
            word.withUTF8 { word in
                guard let wanted = word.baseAddress, !word.isEmpty, let base = text.baseAddress else { return false }
                var start = 0
                for index in 0...text.count where index == text.count || text[index] == separator {
                    if index - start == word.count && memcmp(base + start, wanted, word.count) == 0 { return true }
                    start = index + 1
                }
                return false
            }
        }
    }

    /// Whether every byte of the string is ASCII, read in place.
    var isASCII: Bool {
        var text = self
        return text.withUTF8 { bytes in !bytes.contains { $0 >= 0x80 } }
    }
}
