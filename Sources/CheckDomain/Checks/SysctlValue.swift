/// A kernel setting's value as a number: `/proc/sys` prints integers, some of them past `Int64` (an unsigned long at
/// its maximum, `18446744073709551615`), which are larger than any bound a policy can write.
enum SysctlValue: Equatable {
    /// A value within `Int64`.
    case exactly(Int64)
    /// A value beyond `Int64`: above every bound when positive, below every bound when negative.
    case beyond(positive: Bool)

    /// Reads `60`, `-1`, `18446744073709551615`; nil for anything else (`32768 60999`, `abc`).
    init?(_ text: String) {
        if let value = Int64(text) {
            self = .exactly(value)
            return
        }
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        self = .beyond(positive: text.utf8.first != UInt8(ascii: "-"))
    }

    static func < (value: SysctlValue, bound: Int64) -> Bool {
        switch value {
        case .exactly(let number): number < bound
        case .beyond(let positive): !positive
        }
    }

    static func > (value: SysctlValue, bound: Int64) -> Bool {
        switch value {
        case .exactly(let number): number > bound
        case .beyond(let positive): positive
        }
    }

    static func == (value: SysctlValue, number: Int64) -> Bool {
        value == .exactly(number)
    }
}
