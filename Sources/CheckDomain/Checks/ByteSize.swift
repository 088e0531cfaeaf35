import Foundation

/// Sizes as operators read them.
enum ByteSize {
    /// Bytes in a MiB.
    static let mebibyte: Int64 = 1 << 20

    /// `3.7 GiB`, `512 MiB`.
    static func text(_ bytes: Int64) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        return "\(bytes / mebibyte) MiB"
    }

    /// A size given in MiB.
    static func text(mebibytes: Int) -> String { text(Int64(mebibytes) * mebibyte) }
}
