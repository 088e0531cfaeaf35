import Foundation
import Testing

@testable import CheckDomain

/// The read transaction a reading process keeps open (`SQLiteReadAnchor`): lookups still see every committed write,
/// and a writer's checkpoint is held back only until the anchor renews (or stops).
@Suite final class SQLiteReadAnchorTests {
    /// The test's own directory, removed with it.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anchor-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// An inventory of three nodes in the test's directory.
    func inventory(anchorRenewal: Duration = .milliseconds(100)) throws -> (SQLiteInventory, path: String) {
        let path = directory.appendingPathComponent("inventory.sqlite").path
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing, anchorRenewal: anchorRenewal)
        for id in 1...3 {
            try inventory.add(
                Node(id: NodeID(Int64(id)), name: "node\(id)", host: "10.0.0.\(id)", facts: NodeFacts(cpuCount: 1)))
        }
        return (inventory, path)
    }

    /// What another process writing the inventory sees (`nodes collect`, say): it commits a change, then asks for a
    /// passive checkpoint (what SQLite's automatic one is) until the whole WAL is copied or `patience` seconds pass.
    /// - Returns: the WAL's frames and those copied, after the first checkpoint and after the last.
    func writeAndCheckpoint(_ path: String, patience: Double) throws -> (first: [Int], last: [Int]) {
        let printed = try Python.run(
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("UPDATE node SET cpu_count = cpu_count + 1")
            first = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            last, deadline = first, time.monotonic() + float(sys.argv[2])
            while last[1] != last[2] and time.monotonic() < deadline:
                time.sleep(0.01)
                last = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            print(first[1], first[2], last[1], last[2])
            """,
            arguments: [path, "\(patience)"])
        let numbers = printed.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(numbers.count == 4)
        return (Array(numbers[0..<2]), Array(numbers[2..<4]))
    }

    @Test func aLookupSeesEveryWriteCommittedWhileTheAnchorHoldsAnOlderSnapshot() throws {
        let (inventory, path) = try inventory()
        let anchor = SQLiteReadAnchor(path: path, renewal: .seconds(3600))
        defer { anchor.stop() }
        let reader = try inventory.makeReader()
        for cpuCount in 2...4 {
            try inventory.replaceFacts(of: NodeID(2), with: NodeFacts(cpuCount: cpuCount), at: Date())
            let nodes = try reader.nodes(withIDs: [NodeID(2)], reading: FactSet([.cpuCount]), deadline: nil)
            #expect(nodes.map(\.id) == [NodeID(2)] && nodes.first?.facts.cpuCount == cpuCount)
        }
    }

    @Test func aHeldAnchorHoldsTheCheckpointBackUntilItStops() throws {
        let (inventory, path) = try inventory()
        let anchor = SQLiteReadAnchor(path: path, renewal: .seconds(3600))
        defer { anchor.stop() }
        let held = try writeAndCheckpoint(path, patience: 0.3)
        #expect(held.first[1] < held.first[0], "the anchor's snapshot is older than the write: not all copied")
        #expect(held.last[1] < held.last[0], "it does not renew: still not all copied")
        anchor.stop()
        let free = try writeAndCheckpoint(path, patience: 0)
        #expect(free.first[0] > 0 && free.first[1] == free.first[0], "stopped: the checkpoint copies the whole WAL")
        withExtendedLifetime(inventory) {}
    }

    /// A writer committing `commits` times, `pause` seconds apart, with SQLite's automatic checkpoint every 5 pages
    /// (each commit writes one): the pages in the WAL once it is done, since it last started again. Without
    /// checkpoints, or with checkpoints that never copy the whole WAL (so that it never starts again), it would hold a
    /// page per commit.
    func walPagesAfterCommits(_ path: String, commits: Int, pause: Double) throws -> Int {
        let printed = try Python.run(
            """
            import sqlite3, sys, time
            path, commits, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA wal_autocheckpoint = 5")
            for i in range(commits):
                db.execute("UPDATE node SET timezone = ? WHERE id = 1", ("x" * 100 + str(i),))
                time.sleep(pause)
            print(db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
            """,
            arguments: [path, "\(commits)", "\(pause)"])
        return try #require(Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test(arguments: [(commits: 120, pause: 0.003), (commits: 40, pause: 0.06)])
    func theWALStartsAgainUnderAWriterWhileTheAnchorRenews(commits: Int, pause: Double) throws {
        // A steady writer, and one whose commits are three periods apart: the anchor holds a snapshot again between
        // them, so that each commit's own checkpoint finds it older.
        let (inventory, path) = try inventory(anchorRenewal: .milliseconds(20))
        _ = try inventory.makeReader()
        let pages = try walPagesAfterCommits(path, commits: commits, pause: pause)
        #expect(pages <= commits / 2, "the WAL was copied whole and started again: \(pages) pages for \(commits)")
    }

    @Test func theInventoryStartsOneAnchorWithItsFirstReaderAndStopsItWithItself() throws {
        var (inventory, path): (SQLiteInventory?, String) = try inventory(anchorRenewal: .seconds(3600))
        _ = try inventory?.makeReader()
        _ = try inventory?.makeReader()
        let held = try writeAndCheckpoint(path, patience: 0)
        #expect(held.first[1] < held.first[0], "a reader's inventory holds a read transaction")
        inventory = nil
        let free = try writeAndCheckpoint(path, patience: 0)
        #expect(free.first[0] > 0 && free.first[1] == free.first[0], "gone with the inventory")
    }
}
