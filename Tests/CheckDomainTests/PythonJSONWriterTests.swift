import Testing

@testable import CheckDomain

@Suite struct PythonJSONWriterTests {
    @Test(arguments: [
        (1.0, "1.0"), (100.0, "100.0"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (1.5, "1.5"), (-2.5, "-2.5"), (-0.0, "-0.0"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (123456789.125, "123456789.125"), (0.1, "0.1"),
        (12345678901234567.0, "1.2345678901234568e+16"), (1e22, "1e+22"), (2.5e-7, "2.5e-07"),
    ])
    func floatsAreWrittenAsPythonsRepr(value: Double, expected: String) {
        #expect(PythonJSONWriter.pythonRepr(value) == expected)
    }

    @Test func stringsAreEscapedAsJSONDumpsWithEnsureASCIIFalse() {
        var writer = PythonJSONWriter()
        writer.string("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é中😀/")
        #expect(
            String(decoding: writer.bytes, as: UTF8.self) == "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}é中😀/\"")
    }

    @Test func nonFiniteFloatsStayValidJSON() {
        var writer = PythonJSONWriter()
        writer.value(.array([.float(.nan), .float(.infinity), .float(-.infinity)]))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"["NaN","Infinity","-Infinity"]"#)
    }

    @Test func bigIntegersFromDoublesAreExact() {
        #expect(BigInteger(exactly: 1e30)?.description == "1000000000000000019884624838656")
        #expect(BigInteger(exactly: -9.223372036854775808e18)?.description == "-9223372036854775808")
        #expect(BigInteger(exactly: 0.5) == nil)
    }
}
