/// `check_selinux`: SELinux must not be enforcing; by default `disabled` passes and `permissive` warns.
public struct SELinuxCheck: CheckItem {
    public static let name = "check_selinux"
    /// The modes that pass and warn.
    public var allowed = AllowedSettings(pass: ["disabled"], warn: ["permissive"])

    /// The modes SELinux has.
    static let known = ["enforcing", "permissive", "disabled"]

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.choices("pass", \.allowed.pass, known: known), .choices("warn", \.allowed.warn, known: known)]
    }

    public func validate() throws(CheckSettingError) { try allowed.validate() }

    public func description(in language: Language) -> String {
        language == .english ? "SELinux is not enforcing" : "检查 SELinux 是否关闭"
    }

    public func failures(in context: RequestContext) throws -> [NodeFailure] {
        try allowed.failures(
            in: context, subject: ("SELinux ", "SELinux"), unknownFact: ("SELinux 状态", "SELinux mode"),
            setting: { $0.selinuxMode },
            // Stops enforcing now and disables SELinux from the next boot.
            fix: "setenforce 0; sed -i 's/^SELINUX=.*/SELINUX=disabled/' /etc/selinux/config")
    }
}
