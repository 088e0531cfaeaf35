import CLinux
import Glibc

/// glibc's allocator gives each thread that allocates an arena of its own, up to eight per core, and an arena keeps
/// what it freed: a serving process's accept threads each held a few hundred KiB that way after a large request
/// (1.2 MiB of 31 MiB resident). Only as many threads as there are cores run at once, so `serve` asks for no more
/// arenas than cores, unless the operator has chosen (`MALLOC_ARENA_MAX`, or `arena_max` in `GLIBC_TUNABLES`).
enum MallocArenas {
    static func limitToCores() {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("arena_max") { return }
        let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        _ = mallopt(M_ARENA_MAX, Int32(clamping: cores))
    }
}
