import Testing

@testable import CheckDomain

/// The 422/400 contract of `POST /`, byte for byte as the reference service (FastAPI + pydantic v2) answers.
@Suite struct ClusterProposalDecoderTests {
    static let json = "application/json"

    /// The body of a refusal, or "OK" for an accepted proposal.
    func answer(_ body: String, contentType: String? = json) -> String {
        switch ClusterProposalDecoder.decode(body: Array(body.utf8), contentType: contentType) {
        case .success: "OK"
        case .failure(.unreadable): "400"
        case .failure(.unprocessable(let body)): String(decoding: body, as: UTF8.self)
        }
    }

    @Test func acceptsTheReferenceRequest() throws {
        let body = #"{"name": "c1", "members": [{"node_id": 1, "name": "m1", "host": "172.16.70.101", "port": 5432}]}"#
        let proposal = try ClusterProposalDecoder.decode(body: Array(body.utf8), contentType: Self.json).get()
        #expect(proposal.name == "c1")
        #expect(
            proposal.members == [
                Member(nodeID: BigInteger(1), name: "m1", host: "172.16.70.101", port: BigInteger(5432))
            ])
    }

    @Test func listsEveryErrorInModelOrder() {
        #expect(
            answer(#"{"name":"c","members":[{"node_id":"x","name":1,"host":null,"port":1.5}]}"#)
                == #"{"detail":[{"type":"int_parsing","loc":["body","members",0,"node_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},{"type":"string_type","loc":["body","members",0,"name"],"msg":"Input should be a valid string","input":1},{"type":"string_type","loc":["body","members",0,"host"],"msg":"Input should be a valid string","input":null},{"type":"int_from_float","loc":["body","members",0,"port"],"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5}]}"#
        )
    }

    @Test func missingFieldsEchoTheirContainer() {
        #expect(
            answer(#"{"members":5}"#)
                == #"{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"members":5}},{"type":"list_type","loc":["body","members"],"msg":"Input should be a valid list","input":5}]}"#
        )
        #expect(
            answer(#"{"name":"c","members":[{"node_id":1,"extra":[1e16,1e-5]}]}"#)
                == #"{"detail":[{"type":"missing","loc":["body","members",0,"name"],"msg":"Field required","input":{"node_id":1,"extra":[1e+16,1e-05]}},{"type":"missing","loc":["body","members",0,"host"],"msg":"Field required","input":{"node_id":1,"extra":[1e+16,1e-05]}},{"type":"missing","loc":["body","members",0,"port"],"msg":"Field required","input":{"node_id":1,"extra":[1e+16,1e-05]}}]}"#
        )
    }

    @Test func nonObjectsCannotBeModels() {
        #expect(
            answer("[1]")
                == #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}"#
        )
        #expect(
            answer("null")
                == #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":null}]}"#
        )
        #expect(
            answer(#"{"name":"c","members":[1]}"#)
                == #"{"detail":[{"type":"model_attributes_type","loc":["body","members",0],"msg":"Input should be a valid dictionary or object to extract fields from","input":1}]}"#
        )
    }

    @Test func emptyBodyIsMissing() {
        #expect(answer("") == #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#)
        #expect(
            answer("", contentType: nil)
                == #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#)
    }

    @Test func invalidJSONNamesPythonsMessageAndCharacterOffset() {
        #expect(
            answer("{\"name\": \"éx\", \"members\": [}")
                == #"{"detail":[{"type":"json_invalid","loc":["body",27],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]}"#
        )
        #expect(
            answer(#"{"a":1,}"#)
                == #"{"detail":[{"type":"json_invalid","loc":["body",7],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#
        )
    }

    @Test func undecodableBodiesAre400() {
        #expect(ClusterProposalDecoder.decode(body: [0xFF], contentType: Self.json) == .failure(.unreadable))
        #expect(answer(String(repeating: "1", count: 5000)) == "400")
    }

    @Test(arguments: [
        ("application/json", true), ("application/json; charset=utf-8", true), ("Application/JSON", true),
        ("application/vnd.api+json", true), (" application/json ", true), ("text/plain", false),
        ("application/x-www-form-urlencoded", false), ("application/", false), ("application/json/x", false),
        ("json", false), ("", false),
    ])
    func onlyJSONContentTypesAreParsed(contentType: String, isJSON: Bool) {
        #expect(ClusterProposalDecoder.isJSON(contentType: contentType) == isJSON)
    }

    @Test func otherContentTypesGiveTheBodyAsAString() {
        #expect(
            answer("abc", contentType: "text/plain")
                == #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"abc"}]}"#
        )
        #expect(answer(#"{"name":"c","members":[]}"#, contentType: nil).contains("model_attributes_type"))
    }

    @Test func laxIntegersAndIgnoredExtrasAreAccepted() throws {
        let body =
            #"{"name":"c","members":[{"node_id":2.0,"name":"a","host":"h","port":"1_0","x":{}},{"node_id":true,"name":"b","host":"h","port":" 7 "},{"node_id":"1.0","name":"b","host":"h","port":1e2}],"members":[{"node_id":"3","name":"z","host":"h","port":1,"node_id":"2"}]}"#
        let proposal = try ClusterProposalDecoder.decode(body: Array(body.utf8), contentType: Self.json).get()
        // The duplicated "members" and "node_id" keys: the last value wins.
        #expect(proposal.members.map(\.nodeIDValue.description) == ["2"])
    }

    @Test func hugeNodeIdsAreValidIntegersNeverFound() throws {
        let body =
            #"{"name":"c","members":[{"node_id":123456789012345678901234567890,"name":"a","host":"h","port":1}]}"#
        let proposal = try ClusterProposalDecoder.decode(body: Array(body.utf8), contentType: Self.json).get()
        #expect(proposal.members[0].nodeID == nil)
        #expect(proposal.distinctNodeIDs.isEmpty)
    }
}
