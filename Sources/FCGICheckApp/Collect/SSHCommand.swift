import CheckDomain

/// How `nodes collect` runs the system's OpenSSH client for a node, so that the operator's `~/.ssh/config`, keys,
/// agent, `known_hosts`, `ProxyJump` and bastions all apply as they do every day.
struct SSHCommand {
    /// The client (`ssh`, looked up in `PATH`).
    var program = "ssh"
    /// `-F FILE`, when given.
    var configFile: String?
    /// More `-o` options, in order (ssh takes the first value it is given for an option).
    var options: [String] = []
    /// The user for nodes without their own `ssh_user`.
    var defaultUser: String?
    /// The port for nodes without their own `ssh_port`.
    var defaultPort: Int?
    /// The whole session's bound, in seconds.
    var timeout: Int

    /// ssh's `ConnectTimeout`: the session's bound, at most 10 s, so that a dead host is told from a slow one.
    var connectTimeout: Int { max(1, min(10, timeout)) }

    /// The user, address and port a node is reached at.
    func target(_ node: Node) -> (user: String?, host: String, port: Int?) {
        (node.sshUser ?? defaultUser, node.sshHost ?? node.host, node.sshPort ?? defaultPort)
    }

    /// `user@host:port` for people, the parts ssh decides itself left out.
    func targetDescription(_ node: Node) -> String {
        let (user, host, port) = target(node)
        return (user.map { "\($0)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
    }

    /// The argument vector: never a password prompt (`BatchMode`), no terminal, the options the operator gave
    /// before ours (so theirs win) but for `BatchMode`, and `--` before the host so that no host name can be read as an option.
    func arguments(for node: Node) -> [String] {
        let (user, host, port) = target(node)
        // BatchMode first: ssh keeps the first value of an option, and a password prompt is never wanted.
        var arguments = [program, "-T", "-o", "BatchMode=yes"]
        if let configFile { arguments += ["-F", configFile] }
        for option in options { arguments += ["-o", option] }
        arguments += [
            "-o", "ConnectTimeout=\(connectTimeout)", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2",
        ]
        if let user { arguments += ["-l", user] }
        if let port { arguments += ["-p", String(port)] }
        return arguments + ["--", host, "sh", "-s"]
    }
}
