import Testing

@testable import CheckDomain

/// Words between separators, read in place, as splitting ASCII text would find them.
@Suite struct StringWordsTests {
    @Test func containsWordAsSplittingFindsIt() {
        let texts = [
            "", ",", "a", "a,b", ",a,,b,", "ab,a", "noatime", "rw,noatime,nodiratime", "../x", "a/../b", "a/..b",
        ]
        let words = ["", "a", "b", "ab", "noatime", "atime", "nodiratime", "..", "x", "..b"]
        for separator in [",", "/"] {
            for text in texts {
                for word in words {
                    let split = text.split(separator: Character(separator)).contains { $0 == word }
                    #expect(
                        text.containsWord(word, separatedBy: UInt8(ascii: Unicode.Scalar(separator)!)) == split,
                        "\(text) / \(word)")
                }
            }
        }
        #expect("abc".isASCII && "".isASCII && !"café".isASCII)
    }
}
