/// Text put into a `fix` command: a fix is run by an operator as root, and what it names (a mount point, a time zone,
/// a host name) may come from a node's own facts, so every such word is quoted for the shell or left out.
enum ShellWord {
    /// `text` as one word of a POSIX shell command: bare when it holds only characters no shell treats specially,
    /// else in single quotes (a quote inside written `'\''`). nil for text with a control character (a newline would
    /// end the command), which no fix should carry.
    static func quoted(_ text: String) -> String? {
        guard !text.isEmpty else { return "''" }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        if text.utf8.allSatisfy(isPlain) { return text }
        var quoted = "'"
        for character in text {
            quoted += character == "'" ? #"'\''"# : String(character)
        }
        return quoted + "'"
    }

    /// Letters, digits and `_ . / : = + - , @ %`: never special to a POSIX shell.
    static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ","), UInt8(ascii: "@"), UInt8(ascii: "%"):
            true
        default: false
        }
    }
}
