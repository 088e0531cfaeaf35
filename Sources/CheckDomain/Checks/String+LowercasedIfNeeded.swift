extension String {
    /// The string as `lowercased()` makes it; the string itself, without making a new one, when it is ASCII with no
    /// letter in A-Z, as settings, os-release ids and host names nearly always are. (Lowering makes a new string
    /// each time: item judgements compared lowered copies of every node's values.)
    var lowercasedIfNeeded: String {
        // Looked at in place, byte by byte (`allSatisfy` on the UTF-8 view went through its generic iterator, some 40
        // instructions a byte).
        let plain = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 >= 0x80 || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        }
        return plain == true ? self : lowercased()
    }
}
