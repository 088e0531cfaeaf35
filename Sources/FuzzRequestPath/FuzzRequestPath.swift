import CheckDomain
import Foundation

/// The request path under libFuzzer: bytes in, a status and a body out, and every body must be strict JSON.
///
/// The first input byte picks the `Content-Type` (JSON, JSON with parameters, a `+json` type, text, none), the rest
/// is the body. Built with `-sanitize=fuzzer,address -DFUZZING` (see scripts/fuzz.sh), libFuzzer drives
/// `LLVMFuzzerTestOneInput`; built normally, this is a replayer: `FuzzRequestPath FILE...` runs each file once, which is
/// how a crash the fuzzer found becomes a regression test.
enum RequestPathFuzzer {
    static let contentTypes: [String?] = [
        "application/json", "application/json; charset=utf-8", "application/vnd.api+json", "text/plain", nil,
    ]

    /// One input: decode, validate, check on the demo inventory, encode; traps on any broken invariant.
    static func run(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let contentType = contentTypes[Int(selector) % contentTypes.count]
        let body = Array(input.dropFirst())
        let responseBody: [UInt8]
        switch ClusterProposalDecoder.decode(body: body, contentType: contentType) {
        case .success(let proposal):
            precondition(ClusterProposalDecoder.isJSON(contentType: contentType), "a non-JSON body was accepted")
            responseBody = check(proposal)
        case .failure(.unprocessable(let errors)):
            responseBody = errors
        case .failure(.unreadable):
            responseBody = Array(#"{"detail":"There was an error parsing the body"}"#.utf8)
        }
        // Strict JSON (no NaN literals, valid UTF-8), whatever came in.
        do {
            _ = try JSONSerialization.jsonObject(with: Data(responseBody), options: [.fragmentsAllowed])
        } catch {
            preconditionFailure("response is not JSON: \(String(decoding: responseBody.prefix(200), as: UTF8.self))")
        }
    }

    private static func check(_ proposal: ClusterProposal) -> [UInt8] {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            do {
                let results = try await ClusterCheck(registry: .standard, inventory: DemoInventory()).run(proposal)
                result.set(CheckItemResult.responseBody(results))
            } catch let error as UnknownNodesError {
                result.set(ValidationIssue.responseBody(error.issues))
            } catch {
                preconditionFailure("the demo inventory failed: \(error)")
            }
            done.signal()
        }
        done.wait()
        return result.value
    }

    private final class ResultBox: @unchecked Sendable {
        // @unchecked: written once by the task before `done.signal()`, read after `done.wait()`.
        private(set) var value: [UInt8] = []
        func set(_ bytes: [UInt8]) { value = bytes }
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzRequestPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        RequestPathFuzzer.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's entry point under this name; hand it to libFuzzer's driver.
    @_cdecl("FuzzRequestPath_main")
    public func fuzzMain(
        _ argc: CInt,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> CInt {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, fuzzRequestPath)
    }
#else
    @main
    struct FuzzReplay {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                RequestPathFuzzer.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            }
        }
    }
#endif
