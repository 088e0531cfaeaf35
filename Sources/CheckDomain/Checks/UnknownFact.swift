/// The name of a fact a check item needs, as a failure's message gives it when the fact is unknown: `10.0.0.1 内核版本未知`,
/// `10.0.0.1 kernel version is unknown`.
///
/// Made once per item (a `static let`, or with the item's settings) rather than per failure: the message's ending
/// (` 内核版本未知`) is joined here, so that a message is two pieces (the host and the ending) where it was four
/// (the host, a space, the name, `未知`). Most failures of an inventory without collected facts are of this kind.
public struct UnknownFact: Sendable, Equatable {
    /// The fact's name in Chinese, e.g. `内核版本`.
    public let chinese: String
    /// The fact's name in English, e.g. `kernel version`.
    public let english: String
    /// What follows the host in the Chinese message: ` 内核版本未知`.
    let chineseEnding: String
    /// What follows the host in the English message: ` kernel version is unknown`.
    let englishEnding: String

    /// A fact named `chinese` and `english`.
    public init(_ chinese: String, _ english: String) {
        self.chinese = chinese
        self.english = english
        chineseEnding = " \(chinese)未知"
        englishEnding = " \(english) is unknown"
    }
}
