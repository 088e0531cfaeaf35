import ArgumentParser
import CheckDomain

/// `--policy FILE`, shared by `serve` and `check`.
struct PolicyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The policy file (TOML): which check items run, in which order, their thresholds. Default: the built-in "
                + "defaults (deploy/policy.example.toml spells them out).",
            valueName: "file"
        )
    )
    var policy: String?

    /// The policy in force: the file's, read and checked now, or the defaults.
    /// - Throws: `PolicyError` naming the file, the key and the problem.
    func load() throws(PolicyError) -> Policy {
        try read().policy
    }

    /// The policy in force and the file's text it was read from (nil for the built-in defaults), for a supervisor to
    /// hand its workers exactly what it checked.
    /// - Throws: `PolicyError` naming the file, the key and the problem.
    func read() throws(PolicyError) -> (policy: Policy, text: String?) {
        guard let policy else { return (Policy(), nil) }
        let text = try Policy.readFile(path: policy)
        return (try Policy.parse(text, file: policy), text)
    }
}
