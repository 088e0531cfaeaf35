import Foundation
import Testing

@testable import CheckDomain

/// The shortcut for plain bodies never judges differently from the general way: for every body it decodes, the
/// general way gives the same proposal, and it decodes the bodies consoles send.
@Suite struct PlainProposalDecoderTests {
    /// A deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Asserts the shortcut's answer, if any, is the general way's; returns whether it answered.
    @discardableResult
    func agree(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let plain = PlainProposalDecoder.decode(body) else { return false }
        let general = ClusterProposalDecoder.decodeGenerally(body: body, contentType: "application/json")
        #expect(general == .success(plain), "\(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
        return true
    }

    @Test func theReferenceRequestAndConsoleStyleBodiesTakeTheShortcut() {
        let bodies = [
            #"{"name": "c1", "members": [{"node_id": 1, "name": "m1", "host": "172.16.70.101", "port": 5432}, {"node_id": 2, "name": "m2", "host": "172.16.70.102", "port": 5432}]}"#,
            #"{"members":[],"name":""}"#,
            "{\r\n  \"name\" : \"c\",\n\t\"members\" : [ { \"port\" : 0 , \"host\" : \"h\" , \"name\" : \"n\" , \"node_id\" : 999999999999999999 } ]\n}\n",
        ]
        for body in bodies { #expect(agree(Array(body.utf8)), "\(body)") }
    }

    @Test func anythingOutOfTheOrdinaryIsLeftToTheGeneralWay() {
        let member = #"{"node_id": 1, "name": "m", "host": "h", "port": 1}"#
        let bodies = [
            #"{"name": "c", "members": [\#(member)], "name": "d"}"#,  // a duplicate key: the last one wins
            #"{"name": "c", "members": [\#(member)], "extra": 1}"#,  // an extra key, ignored by pydantic
            #"{"name": "c\"d", "members": []}"#,  // an escape
            #"{"name": "c\u0041", "members": []}"#,
            "{\"name\": \"caf\u{E9}\", \"members\": []}",  // non-ASCII
            "{\"name\": \"a\tb\", \"members\": []}",  // a raw control character: invalid JSON
            #"{"name": "c", "members": [{"node_id": 1.0, "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"node_id": 1e2, "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"node_id": -1, "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"node_id": 01, "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"node_id": 1000000000000000000, "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"node_id": "1", "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"node_id": true, "name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [{"name": "m", "host": "h", "port": 1}]}"#,
            #"{"name": "c", "members": [\#(member),]}"#,
            #"{"name": "c", "members": [\#(member)]} x"#,
            #"{"name": "c", "members": [\#(member)]}{}"#,
            #"{"name": 1, "members": []}"#,
            #"{"name": "c", "members": {}}"#,
            #"{"name": "c", "members": [1]}"#,
            "\u{FEFF}{\"name\": \"c\", \"members\": []}",
            #"{"name": "c", "members": [\#(member)"#,
            "", "{}", "[]", "null",
        ]
        for body in bodies { #expect(!agree(Array(body.utf8)), "\(body)") }
    }

    /// Any byte outside the plain form (a quote or backslash ends or escapes a string, a control character or a byte
    /// of 0x80 and up leaves the form), at any offset of a long name or host, sends the body the general way; a long
    /// plain string is read whole.
    @Test func aByteOutsideThePlainFormAtAnyOffsetOfALongStringIsFound() {
        let plain = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let refused: [UInt8] = [0x00, 0x09, 0x1F, 0x5C, 0x80, 0x9F, 0xA0, 0xC3, 0xFF]
        func body(name: [UInt8], host: [UInt8]) -> [UInt8] {
            Array(#"{"name": ""#.utf8) + name + Array(#"", "members": [{"node_id": 1, "name": "m", "host": ""#.utf8)
                + host + Array(#"", "port": 1}]}"#.utf8)
        }
        #expect(agree(body(name: plain, host: plain)))
        for offset in plain.indices {
            for byte in refused {
                var changed = plain
                changed[offset] = byte
                #expect(!agree(body(name: changed, host: plain)), "\(byte) at \(offset) of the name")
                #expect(!agree(body(name: plain, host: changed)), "\(byte) at \(offset) of the host")
            }
            // A quote inside ends the string early: what follows is not the plain form's.
            var quoted = plain
            quoted[offset] = UInt8(ascii: "\"")
            #expect(!agree(body(name: quoted, host: plain)), "a quote at \(offset) of the name")
            #expect(!agree(body(name: plain, host: quoted)), "a quote at \(offset) of the host")
        }
    }

    /// 3,000 generated bodies: plain ones in every layout, and ones with a single odd part; where the shortcut
    /// answers, the general way agrees, and it answers every plain one.
    @Test func generatedBodiesAgreeWithTheGeneralWay() {
        var random = Generator(state: 0x5EED)
        let spaces = ["", " ", "  ", "\n", "\t", "\r\n", " \n\t "]
        let plainStrings = [
            "", "m1", "172.16.70.101", "a b", "x-y_z.0", "~!@#$%^&*()", String(repeating: "h", count: 300),
        ]
        let oddStrings = [
            #""q\"uote""#, #""\u00e9""#, "\"caf\u{E9}\"", #""back\\slash""#, "\"\u{4E2D}\u{6587}\"", "1", "null",
        ]
        let plainNumbers = ["0", "1", "42", "5432", "999999999999999999", "123456789012345678"]
        let oddNumbers = [
            "-1", "-0", "1.0", "1e2", "1E2", "01", "1000000000000000000", "99999999999999999999", "\"7\"", "true",
            "null",
            "[]",
        ]
        var plainCount = 0
        var answered = 0
        for round in 0..<3000 {
            let odd = round % 3 == 0
            var oddPart = odd ? Int.random(in: 0..<6, using: &random) : -1
            func space() -> String { spaces.randomElement(using: &random)! }
            func text(_ part: Int) -> String {
                if part == oddPart {
                    oddPart = -2
                    return oddStrings.randomElement(using: &random)!
                }
                return "\"\(plainStrings.randomElement(using: &random)!)\""
            }
            func number(_ part: Int) -> String {
                if part == oddPart {
                    oddPart = -2
                    return oddNumbers.randomElement(using: &random)!
                }
                return plainNumbers.randomElement(using: &random)!
            }
            func object(_ pairs: [(String, String)]) -> String {
                "{" + space()
                    + pairs.shuffled(using: &random).map { "\"\($0.0)\"" + space() + ":" + space() + $0.1 + space() }
                    .joined(separator: "," + space()) + "}"
            }
            let members = (0..<Int.random(in: 0..<5, using: &random)).map { _ in
                object([("node_id", number(1)), ("name", text(2)), ("host", text(3)), ("port", number(4))])
            }
            var pairs = [
                ("name", text(0)), ("members", "[" + space() + members.joined(separator: "," + space()) + "]"),
            ]
            if oddPart == 5 { pairs.append(Bool.random(using: &random) ? ("name", "\"again\"") : ("extra", "1")) }
            let body = Array((space() + object(pairs) + space()).utf8)
            let isPlain = oddPart != -2 && oddPart != 5
            if isPlain { plainCount += 1 }
            let took = agree(body)
            if took { answered += 1 }
            if isPlain {
                #expect(took, "a plain body left to the general way: \(String(decoding: body, as: UTF8.self))")
            }
        }
        #expect(plainCount > 1500 && answered >= plainCount)
    }

    /// The fuzzer's corpus and the JSON oracle's bodies: never a different judgement.
    @Test func theCorpusAndTheOracleBodiesAgree() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/corpus")
        for file in try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil) {
            agree([UInt8](try Data(contentsOf: file)))
        }
        for item in try Fixtures.load("json_cases.json", as: [JSONOracleTests.Case].self) {
            agree([UInt8](try #require(Data(base64Encoded: item.bodyB64))))
        }
    }
}
