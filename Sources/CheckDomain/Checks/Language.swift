/// The language of messages and descriptions: Chinese (the reference service's) unless a client asks for English.
public enum Language: String, Sendable, Equatable, CaseIterable {
    /// Chinese, the reference service's wording.
    case chinese = "zh"
    /// English.
    case english = "en"

    /// The language an `Accept-Language` header prefers (RFC 9110 §12.5.4): the supported language with the highest
    /// q-value, the earlier one on a tie; Chinese when the header is absent, empty, unparsable or names neither.
    ///
    /// `en`, `en-US` and `EN-gb` mean English, `zh`, `zh-CN` and `zh-Hans-CN` Chinese; `*` means either (Chinese);
    /// `q=0` excludes a language.
    public static func preferred(byAcceptLanguage header: String?) -> Language {
        guard let header else { return .chinese }
        var best: (language: Language, quality: Double)?
        for element in header.split(separator: ",") {
            let parameters = element.split(separator: ";").map { $0.trimmingUnicodeWhitespace() }
            guard let range = parameters.first?.lowercased(), !range.isEmpty else { continue }
            var quality = 1.0
            for parameter in parameters.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingUnicodeWhitespace() }
                guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
                guard let value = Double(pair[1]), (0...1).contains(value) else {
                    quality = 0
                    continue
                }
                quality = value
            }
            let language: Language
            if range == "*" {
                language = .chinese
            } else {
                let primary = range.split(separator: "-", maxSplits: 1).first.map(String.init) ?? range
                guard let known = Language(rawValue: primary) else { continue }
                language = known
            }
            guard quality > 0 else { continue }
            if quality > (best?.quality ?? 0) { best = (language, quality) }
        }
        return best?.language ?? .chinese
    }
}
