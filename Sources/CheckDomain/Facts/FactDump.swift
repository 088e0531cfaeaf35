import Foundation

/// The raw sources a node's `CollectionScript` printed, parsed from its framed output.
///
/// Parsing never fails on content: a source the dump does not hold is unknown. It fails only when the text is not
/// the script's output at all (no announcement), comes from another framing version, or stops before the script's
/// last line (a killed or failing session), so that a truncated dump is never stored as facts.
public struct FactDump: Sendable, Equatable {
    /// One source: a file, a command, or the word that it is not there.
    public enum Source: Sendable, Equatable {
        /// A file's text.
        case file(String)
        /// A command's standard output and its exit status.
        case command(output: String, status: Int32)
        /// The file does not exist.
        case missing
        /// The file exists but could not be read (permissions).
        case unreadable
        /// The command is not installed.
        case absent
        /// The directory exists.
        case directory
    }

    /// The node's clock as its `date -u +%s.%N` printed it, or nil.
    public var nodeTime: NodeTime?
    /// The sources by name: a path for files and directories, a short name for commands.
    public var sources: [String: Source]
    /// The names of the file sources, in the order printed (for globs such as `limits.d/*.conf`).
    public var fileOrder: [String]

    /// The node's clock reading.
    public struct NodeTime: Sendable, Equatable {
        /// Seconds since the epoch.
        public var seconds: Double
        /// Whether `date` printed a fraction (BusyBox's `date` prints whole seconds only).
        public var hasFraction: Bool
    }

    /// Why a text is not a usable dump.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Creates a dump from sources, for tests.
    public init(sources: [String: Source], nodeTime: NodeTime? = nil, fileOrder: [String]? = nil) {
        self.sources = sources
        self.nodeTime = nodeTime
        self.fileOrder = fileOrder ?? sources.keys.sorted()
    }

    /// Parses the script's output.
    /// - Throws: `Failure` when the bytes are not the script's whole output.
    public init(parsing bytes: some Collection<UInt8>) throws(Failure) {
        sources = [:]
        fileOrder = []
        var announced = false
        var finished = false
        var current: (name: String, isCommand: Bool, lines: [Substring])?
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !announced {
                if line.hasPrefix("@@fcgi-check-facts ") {
                    let version = line.dropFirst("@@fcgi-check-facts ".count)
                    guard version == String(CollectionScript.version) else {
                        throw Failure(
                            description:
                                "unreadable output: framing version \(version.prefix(20)), this fcgi-check reads "
                                + "\(CollectionScript.version)")
                    }
                    announced = true
                }
                // Whatever a login shell printed before the script started (a banner, an rc file's noise).
                continue
            }
            if line.first == "|" {
                current?.lines.append(line.dropFirst())
                continue
            }
            guard line.hasPrefix("@@ ") else { continue }
            let frame = line.dropFirst(3)
            let word = frame.prefix(while: { $0 != " " })
            let rest = String(frame.dropFirst(word.count + 1))
            switch word {
            case "file": current = (rest, false, [])
            case "cmd": current = (rest, true, [])
            case "end", "exit":
                guard let section = current else { continue }
                let content = section.lines.isEmpty ? "" : section.lines.joined(separator: "\n") + "\n"
                if section.isCommand {
                    sources[section.name] = .command(output: content, status: Int32(rest) ?? -1)
                } else {
                    sources[section.name] = .file(content)
                    fileOrder.append(section.name)
                }
                current = nil
            case "missing": sources[rest] = .missing
            case "unreadable": sources[rest] = .unreadable
            case "absent": sources[rest] = .absent
            case "dir": sources[rest] = .directory
            case "clock": nodeTime = Self.nodeTime(rest)
            case "done": finished = true
            default: continue
            }
            if finished { break }
        }
        guard announced else {
            throw Failure(description: "unreadable output: not the output of the collection script")
        }
        guard finished else {
            throw Failure(description: "unreadable output: it ends before the collection script finished")
        }
    }

    /// `1796245542.935610137`, or `1796245542.%N` / `1796245542.N` from a `date` without nanoseconds.
    static func nodeTime(_ text: String) -> NodeTime? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigitCharacter),
            let seconds = Double(whole)
        else { return nil }
        if parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigitCharacter),
            let fraction = Double("0." + parts[1])
        {
            return NodeTime(seconds: seconds + fraction, hasFraction: true)
        }
        return NodeTime(seconds: seconds, hasFraction: false)
    }

    /// A file's text, or nil when it was missing, unreadable or not looked at.
    public func file(_ path: String) -> String? {
        if case .file(let text) = sources[path] { return text }
        return nil
    }

    /// A command's output when it exited 0, or nil.
    public func output(_ name: String) -> String? {
        if case .command(let output, 0) = sources[name] { return output }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
