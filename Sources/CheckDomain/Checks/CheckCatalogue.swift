/// Every check item this build knows, in the default answer order: a new item is one file plus one line here.
public enum CheckCatalogue {
    /// The item types, in default answer order (the reference service's two first).
    public static let items: [any CheckItem.Type] = [
        OSVersionCheck.self,
        SystemdVersionCheck.self,
        KernelVersionCheck.self,
        CPUCountCheck.self,
        MemoryCheck.self,
        SwapCheck.self,
        TransparentHugePagesCheck.self,
        SELinuxCheck.self,
        ClockSyncCheck.self,
        FactsFreshnessCheck.self,
        MemberPortCheck.self,
        MemberHostCheck.self,
        OSFamilyCheck.self,
        UlimitCheck.self,
        SysctlCheck.self,
        CPUGovernorCheck.self,
        PortInUseCheck.self,
        FirewallCheck.self,
        TimezoneCheck.self,
        ClockOffsetCheck.self,
        DataDirCheck.self,
        HostnameCheck.self,
        KernelUniformCheck.self,
        NUMAIrqbalanceCheck.self,
    ]

    /// The names of every item, in default answer order.
    public static let names: [String] = items.map { $0.name }

    /// The item type named `name`; nil for a name no item has.
    public static func item(named name: String) -> (any CheckItem.Type)? {
        items.first { $0.name == name }
    }
}
