extension CheckRegistry {
    /// The `GET /checks` body: the items in answer order, each
    /// `{"name":…,"description":…,"thresholds":{key: value, …}}`, descriptions in `language`.
    public func catalogueBody(language: Language) -> [UInt8] {
        var writer = PythonJSONWriter(capacity: 256 * max(1, items.count))
        writer.raw("[")
        for (offset, item) in items.enumerated() {
            if offset > 0 { writer.raw(",") }
            writer.raw("{\"name\":")
            writer.string(item.name)
            writer.raw(",\"description\":")
            writer.string(description(ofItemAt: offset, in: language))
            writer.raw(",\"thresholds\":")
            writer.value(.object(JSONObject(item.thresholds.map { ($0.key, $0.value) })))
            writer.raw("}")
        }
        writer.raw("]")
        return writer.bytes
    }
}
