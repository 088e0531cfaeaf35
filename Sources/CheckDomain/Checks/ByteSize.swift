/// Sizes as operators read them.
enum ByteSize {
    /// Bytes in a MiB.
    static let mebibyte: Int64 = 1 << 20

    /// `3.7 GiB`, `512 MiB`: GiB to one decimal, rounded as `printf("%.1f")` rounds, without its cost on the request
    /// path.
    static func text(_ bytes: Int64) -> String {
        if bytes >= 1 << 30 {
            let tenths = Int64((Double(bytes) / Double(1 << 30) * 10).rounded(.toNearestOrEven))
            return "\(tenths / 10).\(tenths % 10) GiB"
        }
        return "\(bytes / mebibyte) MiB"
    }

    /// A size given in MiB.
    static func text(mebibytes: Int) -> String { text(Int64(mebibytes) * mebibyte) }
}
