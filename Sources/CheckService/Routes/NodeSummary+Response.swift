import CheckDomain
import Foundation

extension NodeSummary {
    /// The body of `GET /nodes`: `[{"id","name","host","facts_collected_at","facts_age_seconds"}, ...]`, by id. The
    /// collection time is ISO 8601 (UTC, whole seconds) and the age whole seconds at `now` (negative when the stored
    /// time is in the future); both null for a node never collected.
    public static func responseBody(_ summaries: [NodeSummary], now: Date) -> [UInt8] {
        var writer = PythonJSONWriter(capacity: 96 * max(1, summaries.count))
        writer.raw("[")
        for (offset, summary) in summaries.enumerated() {
            if offset > 0 { writer.raw(",") }
            writer.raw("{\"id\":")
            writer.integer(summary.id.rawValue)
            writer.raw(",\"name\":")
            writer.string(summary.name)
            writer.raw(",\"host\":")
            writer.string(summary.host)
            writer.raw(",\"facts_collected_at\":")
            if let collected = summary.factsCollectedAt {
                writer.string(collected.formatted(.iso8601))
                writer.raw(",\"facts_age_seconds\":")
                writer.integer(Int64(now.timeIntervalSince(collected).rounded(.down)))
            } else {
                writer.raw("null,\"facts_age_seconds\":null")
            }
            writer.raw("}")
        }
        writer.raw("]")
        return writer.bytes
    }
}
