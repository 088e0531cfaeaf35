import Foundation

/// The common case of a `POST /` body, decoded in one pass without building a JSON value tree: an object of exactly
/// `name` (a string) and `members` (an array of objects of exactly `node_id`, `name`, `host` and `port`), strings of
/// printable ASCII without escapes, integers of up to 18 digits, any JSON whitespace, keys in any order.
///
/// Anything else (an escape, a non-ASCII byte, a float, a negative or long number, a duplicate or extra key, a value of
/// another type, a syntax error) makes it give up, and `ClusterProposalDecoder` decodes the body the general way:
/// this is a shortcut for bodies whose outcome is not in doubt, never a second judge of what is valid. For every body
/// it decodes, the general way gives the same proposal (`PlainProposalDecoderTests`).
enum PlainProposalDecoder {
    /// The proposal, or nil when the body is not of the plain form.
    static func decode(_ body: [UInt8]) -> ClusterProposal? {
        body.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes)
            return reader.proposal()
        }
    }

    /// A cursor over the body; every method returns nil (or false) as soon as the body leaves the plain form.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

        mutating func proposal() -> ClusterProposal? {
            guard consume(UInt8(ascii: "{")) else { return nil }
            var name: String?
            var members: [Member]?
            repeat {
                guard let key = key() else { return nil }
                if Self.is(key, "name"), name == nil {
                    guard let value = string() else { return nil }
                    name = value
                } else if Self.is(key, "members"), members == nil {
                    guard let value = memberList() else { return nil }
                    members = value
                } else {
                    return nil
                }
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")), let name, let members else { return nil }
            skipWhitespace()
            guard position == bytes.count else { return nil }
            return ClusterProposal(name: name, members: members)
        }

        mutating func memberList() -> [Member]? {
            guard consume(UInt8(ascii: "[")) else { return nil }
            var members: [Member] = []
            if consume(UInt8(ascii: "]")) { return members }
            // A member takes some 60 bytes of a body: room for all of them at once, not a doubling per few.
            members.reserveCapacity(min((bytes.count - position) / 48, 4_096) + 1)
            repeat {
                guard let member = member() else { return nil }
                members.append(member)
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]")) ? members : nil
        }

        mutating func member() -> Member? {
            guard consume(UInt8(ascii: "{")) else { return nil }
            var nodeID: Int64?
            var name: String?
            var host: String?
            var port: Int64?
            repeat {
                guard let key = key() else { return nil }
                if Self.is(key, "node_id"), nodeID == nil {
                    guard let value = integer() else { return nil }
                    nodeID = value
                } else if Self.is(key, "name"), name == nil {
                    guard let value = string() else { return nil }
                    name = value
                } else if Self.is(key, "host"), host == nil {
                    guard let value = string() else { return nil }
                    host = value
                } else if Self.is(key, "port"), port == nil {
                    guard let value = integer() else { return nil }
                    port = value
                } else {
                    return nil
                }
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")), let nodeID, let name, let host, let port else { return nil }
            return Member(nodeID: BigInteger(nodeID), name: name, host: host, port: BigInteger(port))
        }

        /// Whether `key` holds exactly the bytes of `name` (compared in place: the generic `elementsEqual` cost a
        /// 1,000-member body 3% of its request).
        @inline(__always)
        static func `is`(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
            key.count == name.utf8CodeUnitCount && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
        }

        /// A key and its colon; the key's bytes, without quotes.
        mutating func key() -> UnsafeBufferPointer<UInt8>? {
            guard let key = stringBytes(), consume(UInt8(ascii: ":")) else { return nil }
            return key
        }

        mutating func string() -> String? {
            stringBytes().map { String(decoding: $0, as: UTF8.self) }
        }

        /// A string of printable ASCII without escapes, after any whitespace; its bytes.
        mutating func stringBytes() -> UnsafeBufferPointer<UInt8>? {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == Self.quote else { return nil }
            let start = position + 1
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == Self.quote {
                    position = index + 1
                    return UnsafeBufferPointer(rebasing: bytes[start..<index])
                }
                guard byte >= 0x20, byte < 0x80, byte != Self.backslash else { return nil }
                index += 1
            }
            return nil
        }

        /// A non-negative JSON integer of at most 18 digits, after any whitespace, not followed by a fraction or an
        /// exponent.
        mutating func integer() -> Int64? {
            skipWhitespace()
            let start = position
            var value: Int64 = 0
            while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
                // A 19th digit could overflow: such a number is left to the general way before it is added.
                guard position - start < 18 else { return nil }
                value = value * 10 + Int64(bytes[position] &- UInt8(ascii: "0"))
                position += 1
            }
            let digits = position - start
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            if position < bytes.count {
                let next = bytes[position]
                guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") else {
                    return nil
                }
            }
            return value
        }

        /// Skips whitespace, then takes `byte` if it is next.
        mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// JSON's whitespace: space, tab, line feed, carriage return.
        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }
    }
}
