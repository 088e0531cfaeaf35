/// The service's version: `fcgi-check --version` prints it, and `/openapi.json` describes the API of this version
/// (`info.version`, checked by a test).
public enum ServiceVersion {
    /// The version, `MAJOR.MINOR.PATCH`.
    public static let current = "1.2.0"
}
