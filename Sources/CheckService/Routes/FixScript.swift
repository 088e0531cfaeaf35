import CheckDomain

/// `fcgi-check check --fix-script` and `POST /fix-script` (the `/ui` page's download): one POSIX `sh` script per node
/// with findings, holding the `fix` command of each finding that has one, commented with the item and the finding, for
/// an operator to review, copy to the node and run there as root. Nothing is run by us. Both callers render this one
/// type, so the page's download is byte for byte what the command prints.
///
/// The fixes come from the check items, each idempotent; this type only lays them out. What a finding says came
/// partly from the node, so it goes into comments with every control character replaced (a newline in a host name
/// must not end a comment and start a command), and a fix holding one is withheld. The output as a whole is not a
/// script: it starts with `exit`, so that piping it to `sh` by mistake runs nothing.
public struct FixScript: Sendable {
    /// The findings, per check item.
    public let results: [CheckItemResult]
    /// The nodes checked, in the order their scripts come.
    public let nodes: [Node]

    /// The scripts of a check run's findings.
    public init(results: [CheckItemResult], nodes: [Node]) {
        self.results = results
        self.nodes = nodes
    }

    /// The scripts, after a header saying what they are.
    public func render() -> String {
        var scripts: [String] = []
        for node in nodes {
            var findings: [(item: String, failure: NodeFailure)] = []
            for result in results {
                for failure in result.notSuccessNodes where failure.nodeID == node.id {
                    findings.append((result.name, failure))
                }
            }
            guard !findings.isEmpty else { continue }
            scripts.append(script(for: node, findings))
        }
        var text = """
            # fcgi-check fix scripts: one POSIX sh script per node with findings, each from its "#!/bin/sh" line to its
            # "exit" line. Review each, copy it to its node and run it there as root; fcgi-check has run none of them.

            """
        guard !scripts.isEmpty else { return text + "# No node has a finding: nothing to fix.\n" }
        text += "exit 64  # not one script: the scripts below are for \(scripts.count) different machines\n"
        for script in scripts { text += "\n" + script }
        return text
    }

    /// One node's script: each finding as a comment, then its fix, a failed fix reported and the others still run.
    private func script(for node: Node, _ findings: [(item: String, failure: NodeFailure)]) -> String {
        var lines = [
            "#!/bin/sh",
            "# fcgi-check fix script for node \(node.id.rawValue) (\(Self.comment(node.name)), \(Self.comment(node.host))).",
            "# Every command is idempotent: running the script again changes nothing more. A command that fails is",
            "# reported, and the others still run; the script exits 1 if any failed.",
            "failed=0",
        ]
        for (item, failure) in findings {
            lines.append("")
            lines.append("# \(item) (\(failure.level.rawValue)): \(Self.comment(failure.message))")
            if failure.expected != nil || failure.actual != nil {
                lines.append(
                    "# expected \(Self.comment(failure.expected ?? "-")), actual \(Self.comment(failure.actual ?? "unknown"))"
                )
            }
            guard let fix = failure.fix else {
                lines.append("# No fix command: this needs a person's decision.")
                continue
            }
            guard !Self.hasControlCharacter(fix) else {
                lines.append("# The fix is withheld: it holds a control character.")
                continue
            }
            switch failure.fixLocation {
            case .inventory:
                lines.append("# Not on this node: run where the inventory is: \(fix)")
            case .node:
                lines.append(
                    "{ \(fix); } || { echo 'fcgi-check: the fix for \(item) failed' >&2; failed=1; }")
            }
        }
        lines.append("")
        lines.append("exit \"$failed\"")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text for a comment: control characters (and Unicode line and paragraph separators) become `?`.
    public static func comment(_ text: String) -> String {
        guard hasControlCharacter(text) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    private static func hasControlCharacter(_ text: String) -> Bool { text.unicodeScalars.contains(where: isControl) }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
