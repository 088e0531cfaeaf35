/// A text in every supported language.
public struct LocalizedText: Sendable, Equatable {
    /// The Chinese text (the reference service's wording where it has one).
    public var chinese: String
    /// The English text.
    public var english: String

    /// Creates a text from its two translations.
    public init(_ chinese: String, en english: String) {
        self.chinese = chinese
        self.english = english
    }

    /// The text in `language`.
    public func text(in language: Language) -> String {
        switch language {
        case .chinese: chinese
        case .english: english
        }
    }
}
