import Foundation
import Testing

extension ServiceProcess {
    /// Starts `fcgi-check serve` with `arguments` (an inventory, `--listen`, ...) under the reference policy unless
    /// they name another, logging to `directory`/app.log, and waits until it listens.
    static func serve(_ arguments: [String], in directory: URL) throws -> ServiceProcess {
        let policy = arguments.contains("--policy") ? [] : ["--policy", TestEnvironment.referencePolicy]
        let server = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: ["serve"] + policy + arguments,
            logURL: directory.appendingPathComponent("app.log"))
        let ready = TestEnvironment.wait(for: .seconds(20)) { server.log.contains("listening on") || !server.isRunning }
        try #require(ready && server.isRunning, "the server did not start:\n\(server.log)")
        return server
    }
}

extension TestEnvironment {
    /// A listening unix socket at `path`, as spawn-fcgi or systemd creates it before handing it over.
    static func listeningSocket(at path: String) throws -> Int32 {
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withUnixAddress(path) { bind(listener, $0, $1) }
        try #require(bound == 0 && listen(listener, 64) == 0)
        return listener
    }
}
