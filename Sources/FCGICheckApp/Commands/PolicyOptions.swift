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
        guard let policy else { return Policy() }
        return try Policy.load(path: policy)
    }
}
