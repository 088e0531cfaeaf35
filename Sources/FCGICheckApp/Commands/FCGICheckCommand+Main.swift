import ArgumentParser
import Foundation

extension FCGICheckCommand {
    /// ArgumentParser's `main()`, except that `fcgi-check check` exits 2 on a bad command line (its documented
    /// status for "could not check"), where ArgumentParser would exit 64; every other command is unchanged.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if CommandLine.arguments.dropFirst().first == "check", !(error is ExitCode), code != .success {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
