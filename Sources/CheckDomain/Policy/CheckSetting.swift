import TOMLKit

/// One key of a check item's policy table: how its value is read and validated, and how `GET /checks` shows the value
/// in force. An item lists its settings once (`CheckItem.settings`); the key is spelled nowhere else.
public struct CheckSetting<Item: CheckItem>: Sendable {
    /// The key inside the item's table, e.g. `minimum_mib`.
    public let key: String
    /// Reads a value given in the policy file into the item.
    let read: @Sendable (inout Item, any TOMLValueConvertible) throws(CheckSettingError) -> Void
    /// The value in force, as `GET /checks` shows it.
    let show: @Sendable (Item) -> JSONValue

    /// A setting read and shown by the given functions (for a kind of value the other factories do not cover).
    init(
        _ key: String,
        read: @escaping @Sendable (inout Item, any TOMLValueConvertible) throws(CheckSettingError) -> Void,
        show: @escaping @Sendable (Item) -> JSONValue
    ) {
        self.key = key
        self.read = read
        self.show = show
    }
}

/// A bad value for a check item's setting: the key (relative to the item's table) and what is wrong.
public struct CheckSettingError: Error, Equatable {
    /// The key at fault inside the item's table, e.g. `recommended` or `minimum.centos`.
    public var key: String
    /// What is wrong.
    public var problem: String

    /// Creates an error.
    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    /// `must be an integer, not a string`.
    static func wrongType(_ key: String, _ expected: String, _ value: any TOMLValueConvertible) -> CheckSettingError {
        let found = "\(value.type)"
        let article = found.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return CheckSettingError(key: key, problem: "must be \(expected), not \(article) \(found)")
    }
}

extension CheckSetting {
    /// The largest integer a setting takes (2^40: 1 TiB of MiB fits an Int64 in bytes with room to spare).
    /// Thresholds are multiplied out (MiB to bytes, hours to seconds) when checks run: a value whose product would
    /// overflow must stop start-up, not every request later.
    public static var largestInteger: Int { 1 << 40 }

    /// An integer in `minimum...maximum`.
    public static func integer(
        _ key: String, _ path: any WritableKeyPath<Item, Int> & Sendable, atLeast minimum: Int,
        atMost maximum: Int = largestInteger
    ) -> CheckSetting {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                item[keyPath: path] = try SettingValue.integer(value, key: key, atLeast: minimum, atMost: maximum)
            },
            show: { .int($0[keyPath: path]) })
    }

    /// A list of integers, each at least `minimum`.
    public static func integers(
        _ key: String, _ path: any WritableKeyPath<Item, [Int]> & Sendable, atLeast minimum: Int
    ) -> CheckSetting {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                guard let array = value.array else { throw .wrongType(key, "an array of integers", value) }
                var numbers: [Int] = []
                for element in array {
                    guard let number = element.int else { throw .wrongType(key, "an array of integers", element) }
                    guard number >= minimum else {
                        throw CheckSettingError(
                            key: key, problem: "must hold integers of at least \(minimum), not \(number)")
                    }
                    numbers.append(number)
                }
                item[keyPath: path] = numbers
            },
            show: { .array($0[keyPath: path].map { .int($0) }) })
    }

    /// A version: dot-separated integers (`7.2`), a leading `V` allowed (`V10`).
    public static func version(_ key: String, _ path: any WritableKeyPath<Item, DottedVersion> & Sendable)
        -> CheckSetting
    {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                item[keyPath: path] = try SettingValue.version(value, key: key)
            },
            show: { .string($0[keyPath: path].description) })
    }

    /// A table of versions by OS id (`{ centos = "7.9", ubuntu = "20.04" }`), merged into the defaults. OS ids ignore
    /// case, so two spellings of one id are refused rather than one silently overwriting the other.
    public static func versionsByOSID(
        _ key: String, _ path: any WritableKeyPath<Item, [String: DottedVersion]> & Sendable
    ) -> CheckSetting {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                guard let table = value.table else { throw .wrongType(key, "a table", value) }
                var seen: [String: String] = [:]
                for id in table.keys.sorted() {
                    guard let element = table[id] else { continue }
                    let version = try SettingValue.version(element, key: "\(key).\(id)")
                    if let earlier = seen.updateValue(id, forKey: id.lowercased()) {
                        throw CheckSettingError(
                            key: "\(key).\(id)", problem: "names the same OS id as \(earlier) (ids ignore case)")
                    }
                    item[keyPath: path][id.lowercased()] = version
                }
            },
            show: { item in
                .object(
                    JSONObject(
                        item[keyPath: path].sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.description)) }))
            })
    }

    /// `level = "fail" | "warn"`: how bad a finding of the item is.
    public static func level(_ path: any WritableKeyPath<Item, CheckLevel> & Sendable) -> CheckSetting {
        CheckSetting(
            "level",
            read: { (item, value) throws(CheckSettingError) in
                let text = try SettingValue.string(value, key: "level")
                guard let level = CheckLevel(rawValue: text) else {
                    throw CheckSettingError(key: "level", problem: "must be \"fail\" or \"warn\", not \"\(text)\"")
                }
                item[keyPath: path] = level
            },
            show: { .string($0[keyPath: path].rawValue) })
    }

    /// A list of values, each one of `known`.
    public static func choices(
        _ key: String, _ path: any WritableKeyPath<Item, [String]> & Sendable, known: [String]
    ) -> CheckSetting {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                let values = try SettingValue.strings(value, key: key)
                for value in values where !known.contains(value) {
                    throw CheckSettingError(
                        key: key, problem: "unknown setting \"\(value)\" (known: \(known.joined(separator: ", ")))")
                }
                item[keyPath: path] = values
            },
            show: { .strings($0[keyPath: path]) })
    }

    /// One value of `known` (`without_cpufreq = "pass"`).
    public static func choice(
        _ key: String, _ path: any WritableKeyPath<Item, String> & Sendable, known: [String]
    ) -> CheckSetting {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                let text = try SettingValue.string(value, key: key)
                guard known.contains(text) else {
                    let choices = known.map { "\"\($0)\"" }.joined(separator: " or ")
                    throw CheckSettingError(key: key, problem: "must be \(choices), not \"\(text)\"")
                }
                item[keyPath: path] = text
            },
            show: { .string($0[keyPath: path]) })
    }

    /// An absolute path (`/data`), written without a trailing slash; no `.` or `..` component, no control character.
    public static func absolutePath(_ key: String, _ path: any WritableKeyPath<Item, String> & Sendable)
        -> CheckSetting
    {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                item[keyPath: path] = try SettingValue.absolutePath(value, key: key)
            },
            show: { .string($0[keyPath: path]) })
    }

    /// A list of words (file system types, mount options): letters, digits and `_ . = + -`, nothing else, so that
    /// each is one token of a mount option list or a shell command. `nonEmpty` refuses an empty list.
    public static func words(
        _ key: String, _ path: any WritableKeyPath<Item, [String]> & Sendable, nonEmpty: Bool
    ) -> CheckSetting {
        CheckSetting(
            key,
            read: { (item, value) throws(CheckSettingError) in
                let words = try SettingValue.strings(value, key: key)
                if nonEmpty && words.isEmpty {
                    throw CheckSettingError(key: key, problem: "must name at least one value")
                }
                for word in words where !SettingValue.isWord(word) {
                    throw CheckSettingError(
                        key: key,
                        problem: "\"\(word)\" is not a single word (letters, digits and _ . = + - only)")
                }
                var seen = Set<String>()
                for word in words where !seen.insert(word).inserted {
                    throw CheckSettingError(key: key, problem: "\"\(word)\" is listed twice")
                }
                item[keyPath: path] = words
            },
            show: { .strings($0[keyPath: path]) })
    }
}

/// The kinds of value a policy file's settings take, each read with the problem named on failure.
enum SettingValue {
    /// An integer in `minimum...maximum`.
    static func integer(_ value: any TOMLValueConvertible, key: String, atLeast minimum: Int, atMost maximum: Int)
        throws(CheckSettingError) -> Int
    {
        guard let number = value.int else { throw .wrongType(key, "an integer", value) }
        guard number >= minimum else {
            throw CheckSettingError(key: key, problem: "must be at least \(minimum), not \(number)")
        }
        guard number <= maximum else {
            throw CheckSettingError(key: key, problem: "must be at most \(maximum), not \(number)")
        }
        return number
    }

    /// A string.
    static func string(_ value: any TOMLValueConvertible, key: String) throws(CheckSettingError) -> String {
        guard let text = value.string else { throw .wrongType(key, "a string", value) }
        return text
    }

    /// A list of strings.
    static func strings(_ value: any TOMLValueConvertible, key: String) throws(CheckSettingError) -> [String] {
        guard let array = value.array else { throw .wrongType(key, "an array of strings", value) }
        var result: [String] = []
        for element in array {
            guard let text = element.string else { throw .wrongType(key, "an array of strings", element) }
            result.append(text)
        }
        return result
    }

    /// A non-empty run of letters, digits and `_ . = + -`.
    static func isWord(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "="),
                    UInt8(ascii: "+"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// An absolute path without `.`/`..` components or control characters; a trailing slash is dropped (`/data/`
    /// is `/data`), `/` stays `/`.
    static func absolutePath(_ value: any TOMLValueConvertible, key: String) throws(CheckSettingError) -> String {
        let text = try string(value, key: key)
        guard text.hasPrefix("/") else {
            throw CheckSettingError(key: key, problem: "must be an absolute path, not \"\(text)\"")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CheckSettingError(key: key, problem: "must not hold control characters")
        }
        let components = text.split(separator: "/")
        guard !components.contains(where: { $0 == "." || $0 == ".." }) else {
            throw CheckSettingError(key: key, problem: "must not hold . or .. components, not \"\(text)\"")
        }
        return "/" + components.joined(separator: "/")
    }

    /// A version.
    static func version(_ value: any TOMLValueConvertible, key: String) throws(CheckSettingError) -> DottedVersion {
        let text = try SettingValue.string(value, key: key)
        guard let version = ReleaseVersion.exact(text) else {
            throw CheckSettingError(
                key: key, problem: "\"\(text)\" is not a version (dot-separated integers, e.g. \"7.2\")")
        }
        return version
    }
}
