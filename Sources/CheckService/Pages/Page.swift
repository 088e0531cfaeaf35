import CheckDomain
import Foundation

/// The two pages a person opens in a browser: `GET /docs` (the API, built by its script from `/openapi.json`, with a
/// form that tries `POST /`) and `GET /ui` (a proposal checked and shown as a grid of node × check item).
///
/// Each is an HTML file embedded in the binary (`Resources/pages/`) whose texts are `{{key}}` markers, filled in the
/// request's language from `strings.json`, the same table the pages' script uses to switch language without a
/// reload. Both are rendered once per language, at first use: they depend on nothing else.
public enum Page: String, Sendable, CaseIterable {
    /// `GET /docs`.
    case docs
    /// `GET /ui`.
    case ui

    /// The headers every page and page file is served with. The Content-Security-Policy allows this origin alone,
    /// scripts and styles only from files (no inline script, style or event handler can run, wherever it came from),
    /// and no framing.
    public static let securityHeaders: [(name: String, value: String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-cache"),
    ]

    /// The page's HTML in a language.
    /// - Parameter withUILink: whether the page links to `/ui` (not under `compat = "reference"`, which has no `/ui`).
    public func html(in language: Language, withUILink: Bool = true) -> [UInt8] {
        switch (self, language, withUILink) {
        case (.docs, .chinese, true): Self.rendered.docsChinese
        case (.docs, .english, true): Self.rendered.docsEnglish
        case (.docs, .chinese, false): Self.rendered.docsChineseAlone
        case (.docs, .english, false): Self.rendered.docsEnglishAlone
        case (.ui, .chinese, _): Self.rendered.uiChinese
        case (.ui, .english, _): Self.rendered.uiEnglish
        }
    }

    /// The answer to `GET` of this page, in a language.
    public func response(in language: Language, withUILink: Bool = true) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            extraHeaders: Self.securityHeaders + [
                ("Content-Language", PageStrings.table(language)["lang"] ?? language.rawValue),
                ("Vary", "Accept-Language"),
            ],
            body: html(in: language, withUILink: withUILink),
            contentType: "text/html; charset=utf-8")
    }

    /// The language of a page request: `?lang=zh|en` (the pages' own links carry the language chosen on them), else
    /// `Accept-Language` as for the API.
    public static func language(of request: HTTPRequest) -> Language {
        switch request.queryValues("lang").last {
        case "en": .english
        case "zh": .chinese
        default: Language.preferred(byAcceptLanguage: request.acceptLanguage)
        }
    }

    /// The template of the page.
    var template: [UInt8] {
        switch self {
        case .docs: PackageResources.docs_html
        case .ui: PackageResources.ui_html
        }
    }

    /// Every page in every language, rendered once.
    private struct Rendered {
        let docsChinese: [UInt8]
        let docsEnglish: [UInt8]
        let docsChineseAlone: [UInt8]
        let docsEnglishAlone: [UInt8]
        let uiChinese: [UInt8]
        let uiEnglish: [UInt8]
    }

    private static let rendered = Rendered(
        docsChinese: PageStrings.render(Page.docs.template, .chinese, extra: ["nav.ui": uiLink(.chinese)]),
        docsEnglish: PageStrings.render(Page.docs.template, .english, extra: ["nav.ui": uiLink(.english)]),
        docsChineseAlone: PageStrings.render(Page.docs.template, .chinese, extra: ["nav.ui": ""]),
        docsEnglishAlone: PageStrings.render(Page.docs.template, .english, extra: ["nav.ui": ""]),
        uiChinese: PageStrings.render(Page.ui.template, .chinese),
        uiEnglish: PageStrings.render(Page.ui.template, .english))

    /// The navigation link to `/ui`, as markup.
    private static func uiLink(_ language: Language) -> String {
        let label = PageStrings.escaped(PageStrings.table(language)["common.nav_ui"] ?? "")
        return "<a href=\"/ui\" data-t=\"common.nav_ui\">\(label)</a>"
    }
}
