import Testing

@testable import CheckDomain

/// The lines codec read in place: every entry and field as `FactColumns.text(_:)` wrote it, whatever it holds.
@Suite struct FactLinesTests {
    /// The entries of `text`, each as its fields.
    private func entries(of text: String) -> [[String]] {
        var text = text
        return text.withUTF8 { bytes in
            FactLines(bytes: bytes).values { line -> [String]? in
                var fields: [String] = []
                var reader = line.fields
                while let field = reader.next() { fields.append(field) }
                #expect(fields.count == line.fieldCount)
                return fields
            }
        }
    }

    @Test func entriesAndFieldsComeBackAsTheyWereWritten() {
        let cases: [[[String]]] = [
            [["a"]],
            [["a", "b"], ["c", "d"]],
            [["", ""], ["x", ""], ["", "y"]],
            // What no separator or escape may garble.
            [["/etc/security/limits.d/\\odd\tname.conf", "@数据库", "", "\r\n", "a\\"]],
            [["\\", "\\\\", "\\t", "\t\n\r", "tab\tin", "new\nline"], ["end\\"]],
            [["32768\t60999"], ["ünïcödé ✓"]],
        ]
        for entries in cases {
            #expect(self.entries(of: FactColumns.text(entries)) == entries, "\(entries)")
        }
    }

    @Test func countIsOneMoreThanTheNewlinesWhereverTheyFall() {
        // Every length around the eight-byte words, newlines at every place, and bytes that differ from a newline
        // by one bit or hold the top bit (where a word-wide comparison could carry a false match into a neighbour).
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x0A, 0x0B, 0x08, 0x8A, 0x09, 0xFF, 0x00, 0x61, 0x0A, 0x0A]
        for length in 0..<40 {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
                let expected = bytes.isEmpty ? 0 : bytes.count { $0 == 0x0A } + 1
                bytes.withUnsafeBufferPointer { #expect(FactLines(bytes: $0).count == expected, "\(bytes)") }
            }
        }
    }

    @Test func emptyTextHasNoEntriesAndAnEmptyLineHasOneEmptyField() {
        #expect(entries(of: "").isEmpty)
        #expect(entries(of: "a\n\nb") == [["a"], [""], ["b"]])
        #expect(entries(of: "a\n") == [["a"], [""]])
        var empty = ""
        #expect(empty.withUTF8 { FactLines(bytes: $0).count } == 0)
        var three = "a\n\nb"
        #expect(three.withUTF8 { FactLines(bytes: $0).count } == 3)
    }

    /// A list of single words (governors, sockets): each entry one string, its fields joined; alike neighbours alike.
    @Test func stringsJoinEachEntryAndRepeatAlikeNeighbours() {
        let governors = Array(repeating: "performance", count: 64) + ["powersave", "performance"]
        var text = FactColumns.text(governors.map { [$0] })
        #expect(text.withUTF8 { FactLines(bytes: $0).strings() } == governors)
        var odd = FactColumns.text([["a\tb"], ["a\tb"], ["a", "b"], ["\\"], [""], [""]])
        #expect(odd.withUTF8 { FactLines(bytes: $0).strings() } == ["a\tb", "a\tb", "ab", "\\", "", ""])
    }

    /// Bytes that are not UTF-8 (a store written by something else) are repaired, never trusted.
    @Test func invalidUTF8IsRepaired() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x09, 0x5C, 0x74, 0xC3, 0x0A, 0x62]
        let read = bytes.withUnsafeBufferPointer { buffer in
            FactLines(bytes: buffer).values { line -> [String]? in
                var fields: [String] = []
                var reader = line.fields
                while let field = reader.next() { fields.append(field) }
                return fields
            }
        }
        #expect(read == [["a\u{FFFD}", "\t\u{FFFD}"], ["b"]])
    }

    /// Every list fact through its column, as a store reads it back.
    @Test func listFactsReadBackThroughTheirColumns() throws {
        var facts = NodeFacts()
        facts.limitsRules = [
            LimitsRule(file: "/etc/security/limits.conf", domain: "*", type: "soft", item: "nofile", value: "65535"),
            LimitsRule(file: "a\tb", domain: "\\", type: "", item: "\n", value: "x"),
        ]
        facts.sysctl = ["vm.swappiness": "1", "net.ipv4.ip_local_port_range": "32768\t60999", "": ""]
        facts.cpuGovernors = Array(repeating: "performance", count: 8)
        facts.listeningTCP = ["0.0.0.0:22", "[::]:5432"]
        facts.mounts = [
            Mount(
                mountPoint: "/", device: "/dev/vda1", fsType: "xfs", options: "rw", sizeBytes: 1 << 40, freeBytes: nil),
            Mount(mountPoint: "/da\tta", device: "", fsType: "", options: "", sizeBytes: nil, freeBytes: 0),
        ]
        var read = NodeFacts()
        for column in FactColumns.all where column.kind == .lines {
            let stored = try #require(column.value(facts))
            column.read(&read, stored)
        }
        #expect(read.limitsRules == facts.limitsRules)
        #expect(read.sysctl == facts.sysctl)
        #expect(read.cpuGovernors == facts.cpuGovernors)
        #expect(read.listeningTCP == facts.listeningTCP)
        #expect(read.mounts == facts.mounts)
        // An entry of the wrong shape is left out, and text that is not a list's leaves the fact unknown.
        let sysctl = try #require(FactColumns.all.first { $0.fact == .sysctl })
        var partial = NodeFacts()
        sysctl.read(&partial, .text("a\t1\nlonely\nb\t2\t3\nc\t4"))
        #expect(partial.sysctl == ["a": "1", "c": "4"])
        sysctl.read(&partial, .integer(7))
        #expect(partial.sysctl == nil)
    }

    /// A list fact read from a row's bytes (`FactColumns.Column.readLines`, what SQLite lookups use) is the fact read
    /// from a `String` of the same bytes (`read`, what every store can use), whatever the bytes: escapes, tabs,
    /// newlines, Chinese, and invalid UTF-8, which a `String` repairs before the fields are split and `readLines`
    /// repairs in each field.
    @Test func aListFactReadFromBytesIsTheFactReadFromTheirString() throws {
        let alphabet: [UInt8] = Array("\\\t\nntra=1 :".utf8) + [0x09, 0x0A, 0x0D, 0xE4, 0xB8, 0xAD, 0xFF, 0x80, 0xC3]
        let columns = FactColumns.all.filter { $0.kind == .lines }
        #expect(columns.count == 5)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            for column in columns {
                var fromString = NodeFacts()
                column.read(&fromString, .text(String(decoding: bytes, as: UTF8.self)))
                var fromBytes = NodeFacts()
                let readLines = try #require(column.readLines)
                bytes.withUnsafeBufferPointer { readLines(&fromBytes, FactLines(bytes: $0)) }
                #expect(fromBytes == fromString, "\(column.name): \(bytes)")
            }
        }
    }
}
