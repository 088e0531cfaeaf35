import CheckDomain
import Testing

/// The collection script's text: it must change nothing on a node, so it writes no file. (The end-to-end
/// `CollectionScriptShellTests` run it under dash, bash and BusyBox and check that no file appears.)
@Suite struct CollectionScriptTests {
    @Test func theScriptRedirectsOutputNowhereButDevNull() {
        let script = CollectionScript.whole
        // Every `>` is `>/dev/null` or `>&N`, in the code and in the comments alike: no file is written through a
        // redirection, and no command that writes files is called.
        var rest = script[...]
        while let index = rest.firstIndex(of: ">") {
            let after = rest[rest.index(after: index)...]
            #expect(
                after.hasPrefix("/dev/null") || after.hasPrefix("&"),
                "a redirection to somewhere else: “\(script[..<index].suffix(40))>\(after.prefix(20))”")
            rest = after
        }
        let writers = /(?m)(^|[\s;&|(`])(tee|touch|mkdir|rm|mv|cp|ln|dd|truncate|install|chmod|chown|mktemp)\s/
        let found = script.matches(of: writers).map { String($0.output.2) }
        #expect(found.isEmpty, "the script calls \(found)")
        #expect(
            !script.contains("sed -i") && !script.contains("<<"), "in-place edits or here-documents (temporary files)")
    }
}
