/// The language of messages and descriptions: Chinese (the reference service's) unless a client asks for English.
public enum Language: String, Sendable, Equatable, CaseIterable {
    /// Chinese, the reference service's wording.
    case chinese = "zh"
    /// English.
    case english = "en"

    /// The language an `Accept-Language` header prefers (RFC 9110 §12.5.4): the supported language with the highest
    /// q-value, the earlier one on a tie; Chinese when the header is absent, empty, unparsable or names neither.
    ///
    /// `en`, `en-US` and `EN-gb` mean English, `zh`, `zh-CN` and `zh-Hans-CN` Chinese; `*` means any language the
    /// header does not name otherwise (Chinese first); `q=0` excludes a language, even from `*`.
    public static func preferred(byAcceptLanguage header: String?) -> Language {
        guard let header else { return .chinese }
        // Each language's q-value and the position of the element that gave it (for ties).
        var named: [Language: (quality: Double, position: Int)] = [:]
        var wildcard: (quality: Double, position: Int)?
        for (position, element) in header.split(separator: ",").enumerated() {
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
            if range == "*" {
                if wildcard == nil { wildcard = (quality, position) }
                continue
            }
            let primary = range.split(separator: "-", maxSplits: 1).first.map(String.init) ?? range
            guard let language = Language(rawValue: primary) else { continue }
            // A language named twice (`en-US;q=0.5, en`) counts at its best.
            if let earlier = named[language], earlier.quality >= quality { continue }
            named[language] = (quality, position)
        }
        var best: (language: Language, quality: Double, position: Int)?
        for language in [Language.chinese, .english] {
            guard let (quality, position) = named[language] ?? wildcard, quality > 0 else { continue }
            if let current = best,
                current.quality > quality || (current.quality == quality && current.position <= position)
            {
                continue
            }
            best = (language, quality, position)
        }
        return best?.language ?? .chinese
    }
}
