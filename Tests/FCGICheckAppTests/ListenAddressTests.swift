import Testing

@testable import FCGICheckApp

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("unix:/run/fcgi-check.sock", ListenAddress.unix(path: "/run/fcgi-check.sock")),
        ("127.0.0.1:9000", .tcp(host: "127.0.0.1", port: 9000)),
        ("[::1]:9000", .tcp(host: "::1", port: 9000)),
        ("localhost:80", .tcp(host: "localhost", port: 80)),
    ])
    func parsesListenAddresses(text: String, expected: ListenAddress) {
        #expect(ListenAddress(text) == expected)
    }

    @Test(arguments: ["unix:", "9000", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", ":9000", "host:port"])
    func refusesNonsense(text: String) {
        #expect(ListenAddress(text) == nil)
    }
}
