import CheckDomain
import Foundation

/// `nodes collect`'s work: each node's session on one of `concurrency` threads, and each result stored as soon as it
/// is known, in a transaction of its own.
///
/// The inventory is read once before any session starts and written once per node after its session has ended:
/// no transaction is open while a session waits on the network, so a running service keeps reading the inventory
/// (WAL) at full speed during a collection of any size.
struct CollectionRun {
    var ssh: SSHCommand
    var concurrency: Int
    var inventory: any NodeStore

    /// One node's outcome.
    struct Outcome: Sendable {
        var node: Node
        var target: String
        var error: String?
        var duration: Duration
    }

    /// Collects every node, calling `finished` (from the collecting threads, one call at a time) after each one.
    func run(_ nodes: [Node], finished: @escaping @Sendable (Outcome) -> Void) -> [Outcome] {
        let next = LockedValue(0)
        let outcomes = LockedValue([Outcome?](repeating: nil, count: nodes.count))
        let group = DispatchGroup()
        let ssh = ssh
        let inventory = inventory
        for _ in 0..<max(1, min(concurrency, nodes.count)) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    let index = next.withLock { index -> Int in
                        defer { index += 1 }
                        return index
                    }
                    guard index < nodes.count else { return }
                    let outcome = Self.collect(nodes[index], ssh: ssh, inventory: inventory)
                    outcomes.withLock {
                        $0[index] = outcome
                        finished(outcome)
                    }
                }
            }
            // Each thread only waits in poll(2); a small stack is plenty.
            thread.stackSize = 512 << 10
            thread.start()
        }
        group.wait()
        return outcomes.withLock { $0.compactMap { $0 } }
    }

    private static func collect(_ node: Node, ssh: SSHCommand, inventory: any NodeStore) -> Outcome {
        let session = CollectionSession(arguments: ssh.arguments(for: node), timeout: .seconds(ssh.timeout))
        let result = session.run()
        let now = Date()
        var outcome = Outcome(node: node, target: ssh.targetDescription(node), duration: result.duration)
        do {
            switch result.facts(timeout: ssh.timeout, connectTimeout: ssh.connectTimeout, collectedAt: now) {
            case .success(let facts):
                try inventory.replaceFacts(of: node.id, with: facts, at: now)
            case .failure(let error):
                outcome.error = error.description
                try inventory.recordCollectionFailure(of: node.id, error: error.description, at: now)
            }
        } catch {
            outcome.error =
                error.unknownNodeID == node.id
                ? "node removed from the inventory during collection; nothing stored"
                : "\(outcome.error.map { "\($0); " } ?? "")not stored: \(error)"
        }
        return outcome
    }
}
