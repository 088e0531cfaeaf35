import Foundation

extension HTTPRequest {
    /// The check item names of `?checks=a,b` (the parameter may be repeated; `+` is a space and `%XX` a byte, as in
    /// any form-encoded query), nil when the query has no `checks`. An empty name stays in the list: `?checks=`
    /// names the item `""`, which no registry knows.
    var checkNames: [String]? {
        var names: [String]?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard Self.formDecoded(parts[0]) == "checks" else { continue }
            let value = parts.count > 1 ? Self.formDecoded(parts[1]) : ""
            names = (names ?? []) + value.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        }
        return names
    }

    /// `+` as space, then percent-decoding; undecodable escapes are kept as written.
    private static func formDecoded(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
