import ArgumentParser
import Foundation

extension FCGICheckCommand {
    /// ArgumentParser's `main()`, except that `fcgi-check check` and `fcgi-check nodes collect` exit 2 on a bad
    /// command line (their documented status), where ArgumentParser would exit 64; every other command is unchanged.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let words = CommandLine.arguments.dropFirst().prefix(2)
            let usageIsTwo = words.first == "check" || Array(words) == ["nodes", "collect"]
            if usageIsTwo, !(error is ExitCode), code != .success, code != .failure || error is ValidationError {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
