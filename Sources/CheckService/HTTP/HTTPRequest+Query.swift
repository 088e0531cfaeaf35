import Foundation

extension HTTPRequest {
    /// The values of a query parameter, in order (`format=prometheus&format=json` gives both; `flag` alone gives
    /// `""`). Names and values are form-decoded: `+` is a space and `%XX` a byte; undecodable escapes are kept as
    /// written.
    public func queryValues(_ name: String) -> [String] {
        query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard Self.formDecoded(parts[0]) == name else { return nil }
            return parts.count > 1 ? Self.formDecoded(parts[1]) : ""
        }
    }

    /// The check item names of `?checks=a,b` (the parameter may be repeated), nil when the query has no `checks`.
    /// An empty name stays in the list: `?checks=` names the item `""`, which no registry knows.
    public var checkNames: [String]? {
        let values = queryValues("checks")
        guard !values.isEmpty else { return nil }
        return values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    private static func formDecoded(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
