import Foundation

/// Where the service listens: `unix:/path`, `HOST:PORT`, or a socket handed over by whoever started us.
enum ListenAddress: Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: UInt16)
    /// The listening socket a process manager (spawn-fcgi, our own supervisor) passes on fd 0.
    case inherited
    /// The listening socket systemd passes on fd 3 (`LISTEN_FDS`, `LISTEN_PID`: socket activation).
    case activated

    /// Whether the socket was handed to us, and so is never shut down or removed by us.
    var isHandedOver: Bool { self == .inherited || self == .activated }

    /// The socket systemd passed, when `LISTEN_PID` names this process; otherwise fd 0.
    static func handedOver(environment: [String: String] = ProcessInfo.processInfo.environment) -> ListenAddress {
        if let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == Posix.getpid(),
            let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1
        {
            return .activated
        }
        return .inherited
    }

    /// Parses `unix:/run/app.sock`, `127.0.0.1:9000`, `[::1]:9000` or `localhost:9000`.
    init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
        self = .tcp(host: host, port: port)
    }

    var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .inherited: "fd 0"
        case .activated: "fd 3 (systemd socket activation)"
        }
    }
}
