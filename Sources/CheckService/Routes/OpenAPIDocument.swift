/// The OpenAPI 3.1 description of the API, served at `GET /openapi.json`: `Resources/openapi.json`, embedded in the
/// binary (the service is one file to install). Validated by `openapi-spec-validator` in
/// `Tests/Differential/test_api_description.py`; the numbers the code owns (nesting and digit limits, the `/status`
/// keys, the catalogue) are checked against it by `OpenAPIDocumentTests` rather than trusted.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static let bytes: [UInt8] = PackageResources.openapi_json
}
