extension StringProtocol {
    /// Python's `str.strip()` with no argument, as `email` applies it to a `Content-Type`: Unicode whitespace and
    /// the ASCII separators U+001C to U+001F.
    func trimmingPythonWhitespace() -> Substring {
        trimming { $0.properties.isWhitespace || (0x1C...0x1F).contains($0.value) }
    }

    /// Rust's `str::trim`, as pydantic-core applies it to integer strings: Unicode `White_Space` only.
    func trimmingUnicodeWhitespace() -> Substring {
        trimming { $0.properties.isWhitespace }
    }

    private func trimming(_ isSpace: (Unicode.Scalar) -> Bool) -> Substring {
        let scalars = Substring(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return Substring(scalars[first...last])
    }
}
