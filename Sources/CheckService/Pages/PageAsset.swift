/// A file the pages load: their stylesheet, scripts, texts and icon, each embedded in the binary and served under
/// `/assets/` with the pages' security headers. Scripts and styles are files, never inline, so that the pages'
/// Content-Security-Policy can forbid inline code altogether.
public struct PageAsset: Sendable {
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Its media type.
    public let contentType: String

    /// The files, by the path they are served at.
    public static let all: [String: PageAsset] = [
        "/assets/pages.css": PageAsset(bytes: PackageResources.pages_css, contentType: "text/css; charset=utf-8"),
        "/assets/common.js": PageAsset(
            bytes: PackageResources.common_js, contentType: "text/javascript; charset=utf-8"),
        "/assets/docs.js": PageAsset(bytes: PackageResources.docs_js, contentType: "text/javascript; charset=utf-8"),
        "/assets/ui.js": PageAsset(bytes: PackageResources.ui_js, contentType: "text/javascript; charset=utf-8"),
        "/assets/strings.json": PageAsset(
            bytes: PackageResources.strings_json, contentType: "application/json; charset=utf-8"),
        "/assets/favicon.svg": PageAsset(bytes: PackageResources.favicon_svg, contentType: "image/svg+xml"),
    ]

    /// The answer to `GET` of this file.
    public var response: HTTPResponse {
        HTTPResponse(status: 200, extraHeaders: Page.securityHeaders, body: bytes, contentType: contentType)
    }
}
