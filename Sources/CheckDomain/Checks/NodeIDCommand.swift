/// A fix that is a command followed by the node's id (`fcgi-check nodes collect 7`): kept as the command alone, so
/// that an answer writes the fix as its two parts, the command's bytes and the id's digits (`NodeFailures`), where
/// making each node's fix as a string, writing and freeing it was some 700 instructions a node.
public struct NodeIDCommand: Sendable {
    /// The command, with the separator before the id (`fcgi-check nodes collect `): ASCII that a JSON string holds
    /// as it is.
    let command: StaticString

    /// A command run for a node's id. `command` ends with what separates it from the id, and is printable ASCII
    /// without `"` or `\` (written into answers unescaped; checked here).
    public init(_ command: StaticString) {
        precondition(command.hasPointerRepresentation, "a node command is text, not a single scalar")
        let bytes = UnsafeBufferPointer(start: command.utf8Start, count: command.utf8CodeUnitCount)
        precondition(
            bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") },
            "a node command is printable ASCII without quotes or backslashes")
        self.command = command
    }

    /// The command for the node `id`, as one string.
    public func text(for id: NodeID) -> String {
        // Made in one piece, the command's bytes then the id's digits: an interpolation grew its buffer and appended
        // twice (some 1,500 instructions), and joining the command and `String(id)` still cost some 700.
        String(unsafeUninitializedCapacity: command.utf8CodeUnitCount + 21) { buffer in
            let base = buffer.baseAddress!
            base.initialize(from: command.utf8Start, count: command.utf8CodeUnitCount)
            var count = command.utf8CodeUnitCount
            withDecimalDigits(of: id.rawValue) { digits in
                (base + count).initialize(from: digits.baseAddress!, count: digits.count)
                count += digits.count
            }
            return count
        }
    }
}
