import CheckDomain
import Foundation

/// The pages' texts in each language (`Resources/pages/strings.json`, `{"zh": {key: text}, "en": {...}}`), and the
/// filling of a page's `{{key}}` markers with them. The pages' script switches language from the same file, served as
/// `/assets/strings.json`, so a text is written once.
enum PageStrings {
    /// Every text, by language code and key; empty if the file could not be read, which `PageTests` rules out.
    static let all: [String: [String: String]] =
        (try? JSONSerialization.jsonObject(with: Data(PackageResources.strings_json))) as? [String: [String: String]]
        ?? [:]

    /// The texts of a language.
    static func table(_ language: Language) -> [String: String] { all[language.rawValue] ?? [:] }

    /// A template with each `{{key}}` replaced by its text in `language`, escaped for HTML (`{{lang}}` is the
    /// language's tag), or by the markup `extra` gives for the key; a key without a text is left as it is, which
    /// `PageTests` finds.
    static func render(_ template: [UInt8], _ language: Language, extra: [String: String] = [:]) -> [UInt8] {
        let texts = table(language)
        let source = String(decoding: template, as: UTF8.self)
        var output = ""
        output.reserveCapacity(source.utf8.count + source.utf8.count / 4)
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let key = String(rest[open.upperBound..<close.lowerBound])
            if let markup = extra[key] {
                output += markup
            } else if let text = texts[key] {
                output += escaped(text)
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        output += rest
        return Array(output.utf8)
    }

    /// Text made safe in HTML content and in a quoted attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
