import CheckDomain

/// The terminal table of `fcgi-check check`: one row per node and check item, with pass / warn / fail and the
/// message, then a count.
struct CheckTable {
    let results: [CheckItemResult]
    let nodes: [Node]

    /// The table; `colour` adds ANSI colours to the result column.
    func render(colour: Bool) -> String {
        var rows: [[String]] = [["NODE", "HOST", "CHECK", "RESULT", "MESSAGE"]]
        var counts: [String: Int] = ["pass": 0, "warn": 0, "fail": 0]
        for node in nodes {
            for result in results {
                let failure = result.notSuccessNodes.first { $0.nodeID == node.id }
                let status = failure?.level.rawValue ?? "pass"
                counts[status, default: 0] += 1
                rows.append([String(node.id.rawValue), node.host, result.name, status, failure?.message ?? ""])
            }
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for (index, row) in rows.enumerated() {
            var line = ""
            for column in 0..<4 {
                let cell = row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
                line += (colour && index > 0 && column == 3 ? Self.coloured(cell, row[3]) : cell) + "  "
            }
            line += row[4]
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        text += "\(nodes.count) nodes, \(results.count) checks: \(counts["pass"]!) pass, \(counts["warn"]!) warn, "
        text += "\(counts["fail"]!) fail\n"
        return text
    }

    private static func coloured(_ cell: String, _ status: String) -> String {
        let code =
            switch status {
            case "fail": "31"
            case "warn": "33"
            default: "32"
            }
        return "\u{1B}[\(code)m\(cell)\u{1B}[0m"
    }
}
