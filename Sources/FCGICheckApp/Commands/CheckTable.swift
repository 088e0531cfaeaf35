import CheckDomain
import CheckService

/// The terminal table of `fcgi-check check`: one row per node and check item, with pass / warn / fail and the
/// message, then a count, then the fix commands as footnotes (`[1]` after a row's message; rows with the same fix
/// share its number).
struct CheckTable {
    let results: [CheckItemResult]
    let nodes: [Node]

    /// The table; `colour` adds ANSI colours to the result column.
    func render(colour: Bool) -> String {
        var rows: [[String]] = [["NODE", "HOST", "CHECK", "RESULT", "MESSAGE"]]
        var counts: [String: Int] = ["pass": 0, "warn": 0, "fail": 0]
        var fixes: [(fix: String, location: FixLocation)] = []
        for node in nodes {
            for result in results {
                let failure = result.notSuccessNodes.first { $0.nodeID == node.id }
                let status = failure?.level.rawValue ?? "pass"
                counts[status, default: 0] += 1
                var message = failure?.message ?? ""
                if let failure, let fix = failure.fix {
                    let number =
                        fixes.firstIndex { $0.fix == fix && $0.location == failure.fixLocation }
                        ?? fixes.count
                    if number == fixes.count { fixes.append((fix, failure.fixLocation)) }
                    message += " [\(number + 1)]"
                }
                rows.append([String(node.id.rawValue), node.host, result.name, status, message])
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
        guard !fixes.isEmpty else { return text }
        text += "\nFixes, run on the node as root unless marked (--fix-script writes them as one script per node):\n"
        for (index, (fix, location)) in fixes.enumerated() {
            text += "[\(index + 1)] \(FixScript.comment(fix))"
            text += location == .inventory ? "  (where the inventory is, not on the node)\n" : "\n"
        }
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
