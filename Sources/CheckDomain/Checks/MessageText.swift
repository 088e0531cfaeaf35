/// A failure's message, kept as the pieces it is written with (`"\(node.host) \(fact)未知"`: the host, a space, the
/// fact's name, `未知`) and joined only when it is read as a `String`: the answer's writer writes the pieces one after
/// another into the response.
///
/// Joining them first was the largest cost of the default catalogue's check items: each piece appended to a `String`
/// is some 300 instructions (storage grown, flags kept), and making a `String` of bytes checks them all as UTF-8
/// again. Holding up to four pieces costs nearly nothing; a host name or a number is a small
/// string stored inline, and literals are not allocated at all. A message of more pieces keeps the first three as
/// they are and joins the rest into the fourth.
public struct MessageText: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    // No initial values, and every initialiser (in the extension below, so that the memberwise one exists) goes
    // through the memberwise one: with initial values, an initialiser made four empty strings first and destroyed
    // them when it assigned `self`.
    private var first: String
    private var second: String
    private var third: String
    private var fourth: String

    /// The message as one string.
    public var string: String { first + second + third + fourth }

    public var description: String { string }

    /// Calls `body` with the UTF-8 bytes of each piece that is not empty of the message at `text`, in order.
    ///
    /// Read in place, each piece on its own: a method of the message, called on a message in an array's element,
    /// copied the whole message first (four strings retained and released), however the element was reached; and a
    /// piece lent through `utf8.withContiguousStorageIfAvailable` was retained and released around the call.
    /// `withUTF8` lends a piece's bytes where they are, as it has the piece to itself; it changes only a string not
    /// stored as UTF-8, which a string on Linux always is, so the message is unchanged (elsewhere a bridged piece
    /// would be stored anew as UTF-8, the same text).
    @inline(__always)
    static func withPieces(at text: UnsafeMutablePointer<MessageText>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if !text.pointee.first.isEmpty { text.pointee.first.withUTF8(body) }
        if !text.pointee.second.isEmpty { text.pointee.second.withUTF8(body) }
        if !text.pointee.third.isEmpty { text.pointee.third.withUTF8(body) }
        if !text.pointee.fourth.isEmpty { text.pointee.fourth.withUTF8(body) }
    }

    /// Two messages are equal when their texts are, however they were pieced together.
    public static func == (lhs: MessageText, rhs: MessageText) -> Bool {
        lhs.string == rhs.string
    }

    /// Appends a piece: into the next free place, or the fourth once the others are taken.
    @inline(__always)
    private mutating func append(_ piece: String) {
        if piece.isEmpty { return }
        if first.isEmpty {
            first = piece
        } else if second.isEmpty {
            second = piece
        } else if third.isEmpty {
            third = piece
        } else if fourth.isEmpty {
            fourth = piece  // taken as it is: appending to an empty string costs a call and a copy of its bytes
        } else {
            fourth += piece
        }
    }
}

extension MessageText {
    /// A message of one piece.
    public init(_ string: String) {
        self.init(first: string, second: "", third: "", fourth: "")
    }

    public init(stringLiteral value: String) {
        self.init(first: value, second: "", third: "", fourth: "")
    }

    /// The message an interpolated literal built: a message pieces itself together (it is its own
    /// `StringInterpolation`), so the finished message moves into place where a separate builder's would be copied
    /// out and the builder destroyed.
    @inline(__always)
    public init(stringInterpolation: MessageText) {
        self = stringInterpolation
    }
}

extension MessageText: StringInterpolationProtocol {
    /// An empty message, to be pieced together.
    @inline(__always)
    public init(literalCapacity: Int, interpolationCount: Int) {
        self.init(first: "", second: "", third: "", fourth: "")
    }

    @inline(__always)
    public mutating func appendLiteral(_ literal: String) {
        append(literal)
    }

    @inline(__always)
    public mutating func appendInterpolation(_ value: String) {
        append(value)
    }

    public mutating func appendInterpolation(_ value: Substring) {
        append(String(value))
    }

    /// An integer, as Swift's own interpolation writes it.
    public mutating func appendInterpolation(_ value: some BinaryInteger) {
        append(String(value))
    }

    /// Any other value, as its `description` (what Swift's own interpolation writes for it).
    public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
        append(value.description)
    }
}
