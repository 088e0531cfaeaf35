/// A `nofile` or `nproc` line of `/etc/security/limits.conf` or `limits.d/*.conf`, as written there.
public struct LimitsRule: Sendable, Hashable, Codable {
    /// The file it is in.
    public var file: String
    /// `*`, a user name, `@group`, `%group`, or a uid/gid range.
    public var domain: String
    /// `soft`, `hard` or `-` (both).
    public var type: String
    /// `nofile` or `nproc`.
    public var item: String
    /// The value as written: a number, `unlimited`, `infinity` or `-1`.
    public var value: String

    /// Creates a rule.
    public init(file: String, domain: String, type: String, item: String, value: String) {
        self.file = file
        self.domain = domain
        self.type = type
        self.item = item
        self.value = value
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case file, domain, type, item, value
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        domain = try container.decode(String.self, forKey: .domain)
        type = try container.decode(String.self, forKey: .type)
        item = try container.decode(String.self, forKey: .item)
        value = try container.decode(String.self, forKey: .value)
    }
}
