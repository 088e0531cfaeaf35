import Dispatch
import Foundation

/// One thread's reader of a PostgreSQL inventory: a connection of its own, made on first use, with the lookup
/// prepared once; read-only; remade when the server restarts or fails over.
///
/// While the database cannot be reached, a lookup fails at once (the request gets its 503) rather than every thread
/// waiting for a connect of its own (`PostgreSQLHealth`); the first lookup after the server is back connects anew.
final class PostgreSQLNodeReader: NodeReader {
    private let inventory: PostgreSQLInventory.Settings
    private let health: PostgreSQLHealth
    private var connection: PostgreSQLConnection? {
        didSet { preparedSets = [] }
    }
    /// The fact sets whose lookup is prepared on `connection`.
    private var preparedSets: Set<FactSet> = []

    /// The lookup: one query for all ids (`= ANY($1)`, one array parameter whatever their number).
    static let lookupSQL = "SELECT \(PostgreSQLRow.selectList) FROM node WHERE id = ANY($1::bigint[])"
    private static let lookupName = "fcgi_check_lookup"

    init(_ inventory: PostgreSQLInventory.Settings, health: PostgreSQLHealth) {
        self.inventory = inventory
        self.health = health
    }

    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
        try withRetry(ids, deadline: deadline) { array, connection in
            try self.lookup(array, on: connection, statement: Self.lookupName, sql: Self.lookupSQL) { result, row in
                try PostgreSQLRow.node(result, row)
            }
        }
    }

    /// The facts a lookup of a request reads: its own statement per set of facts, prepared on the connection on first
    /// use (at most `partialLookupLimit` of them; a set past those runs unprepared), naming just those columns.
    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node] {
        let columns = facts.facts.map { FactColumns.all[$0.index] }
        let sql = Self.lookupSQL(reading: facts)
        let name = "\(Self.lookupName)_\(String(facts.rawValue, radix: 16))"
        // In the order of `ids`, as the request's context takes them best: the rows come in the server's order, so
        // they are put in it by id here (a dictionary; the network's round trip dwarfs it).
        let found = try withRetry(ids, deadline: deadline) { array, connection in
            if !self.preparedSets.contains(facts) && self.preparedSets.count < Self.partialLookupLimit {
                do {
                    try connection.prepare(name, sql)
                } catch let error as PostgreSQLError {
                    if error.isConnectionFailure || !connection.isOpen { self.connection = nil }
                    throw error
                }
                self.preparedSets.insert(facts)
            }
            let prepared = self.preparedSets.contains(facts)
            return try self.lookup(array, on: connection, statement: prepared ? name : nil, sql: sql) { result, row in
                try PostgreSQLRow.node(result, row, reading: columns)
            }
        }
        return ids.compactMap { found[$0] }
    }

    /// At most this many partial lookups are prepared on a connection.
    static let partialLookupLimit = 16

    /// The SQL of the lookup reading `facts`: the node's id, name and host, then those facts' columns.
    static func lookupSQL(reading facts: FactSet) -> String {
        let columns =
            ["node.id", "node.name", "node.host"]
            + facts.facts.map { PostgreSQLRow.selected(FactColumns.all[$0.index]) }
        return "SELECT \(columns.joined(separator: ", ")) FROM node WHERE id = ANY($1::bigint[])"
    }

    /// Runs `body` with the ids as a PostgreSQL array and this thread's connection. A connection that worked before
    /// may have died since (a restart, a failover): it gets one new try, so that the first request after the server
    /// is back is answered, not refused.
    private func withRetry(
        _ ids: [NodeID], deadline: ContinuousClock.Instant?,
        _ body: (String, PostgreSQLConnection) throws -> [NodeID: Node]
    ) throws -> [NodeID: Node] {
        guard !ids.isEmpty else { return [:] }
        var array = "{"
        for (offset, id) in ids.enumerated() {
            if offset > 0 { array += "," }
            array += String(id.rawValue)
        }
        array += "}"
        let hadConnection = connection != nil
        do {
            return try body(array, connected(deadline: deadline))
        } catch let error as PostgreSQLError where error.isConnectionFailure && hadConnection {
            connection = nil
            return try body(array, connected(deadline: deadline))
        }
    }

    /// The listing of `GET /nodes`: the four columns a summary shows, never the facts. Not prepared: a page asks for
    /// it now and then, and the connection's one prepared statement stays the lookup.
    static let listingSQL = "SELECT id, name, host, EXTRACT(EPOCH FROM facts_collected_at) FROM node ORDER BY id"

    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] {
        let hadConnection = connection != nil
        do {
            return try list(on: connected(deadline: deadline))
        } catch let error as PostgreSQLError where error.isConnectionFailure && hadConnection {
            connection = nil
            return try list(on: connected(deadline: deadline))
        }
    }

    private func list(on connection: PostgreSQLConnection) throws -> [NodeSummary] {
        inventory.onStatement?(Self.listingSQL)
        let result: PostgreSQLResult
        do {
            result = try connection.execute(Self.listingSQL)
        } catch {
            if error.isTimeout { throw DeadlineExceededError() }
            if error.isConnectionFailure || !connection.isOpen { self.connection = nil }
            throw error
        }
        return try (0..<result.rowCount).map { row throws(InventoryStoreError) in
            guard let id = result.integer(row, 0), let name = result.text(row, 1), let host = result.text(row, 2)
            else {
                throw InventoryStoreError(
                    description: "the inventory holds a node whose id, name or host is unreadable")
            }
            return NodeSummary(
                id: NodeID(id), name: name, host: host,
                factsCollectedAt: result.text(row, 3).flatMap(Double.init).map { Date(timeIntervalSince1970: $0) })
        }
    }

    /// Runs a lookup (the prepared `statement`, or `sql` unprepared when nil), a node from each row.
    private func lookup(
        _ array: String, on connection: PostgreSQLConnection, statement: String?, sql: String,
        node: (PostgreSQLResult, Int) throws -> Node
    ) throws -> [NodeID: Node] {
        inventory.onStatement?(sql)
        let result: PostgreSQLResult
        do {
            if let statement {
                result = try connection.executePrepared(statement, [array])
            } else {
                result = try connection.execute(sql, [array])
            }
        } catch {
            if error.isTimeout { throw DeadlineExceededError() }
            if error.isConnectionFailure || !connection.isOpen { self.connection = nil }
            throw error
        }
        var found: [NodeID: Node] = [:]
        found.reserveCapacity(result.rowCount)
        for row in 0..<result.rowCount {
            let read = try node(result, row)
            found[read.id] = read
        }
        return found
    }

    /// This thread's connection, made now if there is none.
    private func connected(deadline: ContinuousClock.Instant?) throws -> PostgreSQLConnection {
        if let connection, connection.isOpen { return connection }
        connection = nil
        var connectSeconds = inventory.connectTimeoutSeconds
        if let deadline {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw DeadlineExceededError() }
            connectSeconds = max(1, min(connectSeconds, Int(left.components.seconds)))
        }
        guard health.mayConnect(probeWindow: UInt64(connectSeconds) * 1_000_000_000) else {
            throw PostgreSQLError(message: "PostgreSQL was unreachable a moment ago; not trying again yet")
        }
        // A refusal costs little and may not last: a server mid-shutdown closes the connection before libpq moves on
        // to the next host of a multi-host string, and a moment later the next host is tried. So a quick failure is
        // tried again twice, 50 ms apart; a slow one (a host that does not answer) is not.
        var attempt = 0
        while true {
            attempt += 1
            let started = ContinuousClock.now
            do {
                let made = try inventory.connect(readOnly: true, connectTimeoutSeconds: connectSeconds)
                try made.prepare(Self.lookupName, Self.lookupSQL)
                health.markUp()
                connection = made
                return made
            } catch {
                let quick = ContinuousClock.now - started < .milliseconds(200)
                let timeLeft = deadline.map { $0 - ContinuousClock.now > .milliseconds(100) } ?? true
                guard quick, attempt < 3, timeLeft else {
                    health.markDown(for: quick ? PostgreSQLHealth.shortPause : PostgreSQLHealth.longPause)
                    throw error
                }
                usleep(50_000)
            }
        }
    }
}
