import CheckDomain
import CheckService
import Foundation
import Logging

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

    /// The reference policy's pipeline, the one `POST /` runs.
    static let proposals = ProposalCheck(policy: .reference)

    /// One input through the pipeline of `POST /` on the demo inventory; traps on any broken invariant.
    static func run(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let contentType = contentTypes[Int(selector) % contentTypes.count]
        let request = HTTPRequest(method: "POST", path: "/", contentType: contentType, body: Array(input.dropFirst()))
        let response = proposals.answer(
            request, reader: DemoInventory(), deadline: nil,
            logger: Logger(label: "fuzz", factory: SwiftLogNoOpLogHandler.init))
        precondition(
            response.status != 200 || ClusterProposalDecoder.isJSON(contentType: contentType),
            "a non-JSON body was accepted")
        precondition([200, 400, 422].contains(response.status), "unexpected status \(response.status)")
        // Strict JSON (no NaN literals, valid UTF-8), whatever came in.
        precondition(
            isStrictJSON(response.body), "response is not JSON: \(String(decoding: response.body, as: UTF8.self))")
    }

    /// Whether `body` is strict JSON: Foundation's parser, or, for what it cannot hold (an integer beyond a `Double`'s
    /// range, echoed as Python echoes it: 309 digits were the first the fuzzer found), Python's parser and no
    /// non-finite number in what it read.
    static func isStrictJSON(_ body: [UInt8]) -> Bool {
        if (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) != nil { return true }
        guard String(validating: body, as: UTF8.self) != nil, let value = try? PythonJSONParser.parse(body) else {
            return false
        }
        func isFinite(_ value: JSONValue) -> Bool {
            switch value {
            case .float(let number): number.isFinite
            case .array(let elements): elements.allSatisfy(isFinite)
            case .object(let object): object.members.allSatisfy { isFinite($0.value) }
            case .null, .bool, .integer, .string: true
            }
        }
        return isFinite(value)
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
