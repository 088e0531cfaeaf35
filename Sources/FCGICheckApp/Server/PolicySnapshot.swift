#if canImport(Glibc)
    import Glibc
#endif

/// The policy text one generation of workers runs with, held in an unnamed in-memory file that the supervisor hands
/// to each of its workers on fd 4.
///
/// A worker started late in a generation (replacing one that died or retired after `--max-requests`) thereby runs
/// exactly the policy the rest of its generation runs, even when the file on disk has been edited since: only a
/// reload (SIGHUP) reads the file anew, and only after checking it. Without this, an edit saved without a reload
/// would come into force one replacement at a time, and a broken edit would make every replacement fail to start.
final class PolicySnapshot {
    /// The in-memory file (close-on-exec; `posix_spawn`'s dup2 onto fd 4 hands it on).
    let descriptor: Int32

    /// Why a snapshot could not be made or read.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Holds `text` in a new in-memory file, sealed against change (workers only read it).
    init(text: String) throws(Failure) {
        do {
            descriptor = try WorkerDescriptors.movedAside(Posix.memfdCreate(name: "fcgi-check-policy"))
        } catch {
            throw Failure(description: "cannot hold the policy for the workers: \(error.message)")
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                Result { () throws(PosixError) in try Posix.pwrite(descriptor, buffer, at: offset) }
            }
            // No close here: the object is whole once `descriptor` is set, so a throw from here on runs `deinit`, which
            // closes it (closing here too closed the number twice, the second time perhaps another thread's file).
            guard case .success(let count) = written, count > 0 else {
                throw Failure(description: "cannot hold the policy for the workers: \(Self.reason(written))")
            }
            offset += count
        }
        do {
            try Posix.memfdSealAll(descriptor)
        } catch {
            throw Failure(description: "cannot seal the policy for the workers: \(error.message)")
        }
    }

    deinit {
        try? Posix.close(descriptor)
    }

    /// A worker's side: the policy text on `descriptor`, read whole from its start (the workers of a generation
    /// share one file offset, so they read with pread and never move it).
    static func read(from descriptor: Int32 = WorkerDescriptors.policy) throws(Failure) -> String {
        guard let status = try? Posix.fstat(descriptor), status.st_mode & S_IFMT == S_IFREG else {
            throw Failure(description: "fd \(descriptor) holds no policy (workers are started by `serve --workers N`)")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var offset = 0
        while offset < bytes.count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(PosixError) in
                    try Posix.pread(
                        descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), at: offset)
                }
            }
            guard case .success(let count) = read, count > 0 else {
                throw Failure(description: "cannot read the policy on fd \(descriptor): \(reason(read))")
            }
            offset += count
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Why a pread or pwrite moved no bytes: its error, or (a file shorter than it said, which a sealed memfd never
    /// is) no error at all, worded as errno 0 is.
    private static func reason(_ result: Result<Int, PosixError>) -> String {
        if case .failure(let error) = result { return error.message }
        return Posix.errorText(0)
    }
}
