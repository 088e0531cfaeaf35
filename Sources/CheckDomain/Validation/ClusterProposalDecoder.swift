/// Why a `POST /` body was refused.
public enum RequestBodyFailure: Error, Sendable, Equatable {
    /// 422: the body listing every validation error found, in pydantic's order.
    case unprocessable([UInt8])
    /// 400: the body could not be read at all (`{"detail":"There was an error parsing the body"}`).
    case unreadable
}

/// Turns the bytes of a `POST /` body into a `ClusterProposal`, accepting and rejecting exactly what the reference
/// service (FastAPI with pydantic v2 models in lax mode) accepts and rejects, with the same errors.
public enum ClusterProposalDecoder {
    /// Decodes and validates a request body.
    /// - Parameters:
    ///   - body: the raw body bytes.
    ///   - contentType: the request's `Content-Type`, if any; only JSON types are parsed as JSON.
    public static func decode(body: [UInt8], contentType: String?) -> Result<ClusterProposal, RequestBodyFailure> {
        // Nearly every body a console sends: decoded in one pass, or left to the general way.
        if isJSON(contentType: contentType), let proposal = PlainProposalDecoder.decode(body) {
            return .success(proposal)
        }
        return decodeGenerally(body: body, contentType: contentType)
    }

    /// `decode(body:contentType:)` without the shortcut for plain bodies: a JSON value tree, then its validation.
    static func decodeGenerally(body: [UInt8], contentType: String?) -> Result<ClusterProposal, RequestBodyFailure> {
        if body.isEmpty {
            return .failure(
                .unprocessable(
                    ValidationIssue.responseBody([
                        .init(type: "missing", location: ["body"], message: "Field required", input: .null)
                    ])
                )
            )
        }
        let document: JSONValue
        if isJSON(contentType: contentType) {
            do {
                document = try PythonJSONParser.parse(body)
            } catch {
                switch error {
                case .syntax(let message, let offset):
                    return .failure(
                        .unprocessable(ValidationIssue.responseBody([jsonInvalid(message: message, offset: offset)])))
                case .unreadable:
                    return .failure(.unreadable)
                }
            }
        } else {
            // FastAPI hands the raw bytes to pydantic, which cannot make a model of them.
            document = .string(String(decoding: body, as: UTF8.self))
        }
        var issues = ValidationIssueList()
        let proposal = validateProposal(document, issues: &issues)
        if let proposal, issues.isEmpty { return .success(proposal) }
        return .failure(.unprocessable(issues.responseBody()))
    }

    /// FastAPI's rule: JSON only for `application/json` and `application/*+json` (parameters allowed, any case),
    /// judged as Python's `email.message.Message.get_content_type` judges the header.
    public static func isJSON(contentType: String?) -> Bool {
        guard let contentType, !contentType.isEmpty else { return false }
        // What nearly every console sends, answered without taking the header apart.
        if contentType == "application/json" { return true }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let lowered = mediaType.trimmingPythonWhitespace().lowercased()
        let parts = lowered.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "application" else { return false }
        return parts[1] == "json" || parts[1].hasSuffix("+json")
    }

    static func jsonInvalid(message: String, offset: Int) -> ValidationIssue {
        ValidationIssue(
            type: "json_invalid",
            location: ["body", .index(offset)],
            message: "JSON decode error",
            input: .object(JSONObject()),
            context: [("error", .string(message))]
        )
    }

    private static func validateProposal(_ value: JSONValue, issues: inout ValidationIssueList) -> ClusterProposal? {
        guard case .object(let object) = value else {
            issues.append(.modelAttributesType(at: ["body"], input: value))
            return nil
        }
        let name = LaxFields.string(object, "name", at: ["body"], issues: &issues)
        var members: [Member]? = nil
        if let membersValue = object["members"] {
            if case .array(let elements) = membersValue {
                var validated: [Member] = []
                validated.reserveCapacity(elements.count)
                var allValid = true
                for (index, element) in elements.enumerated() {
                    if let member = validateMember(element, at: ["body", "members", .index(index)], issues: &issues) {
                        validated.append(member)
                    } else {
                        allValid = false
                    }
                }
                if allValid { members = validated }
            } else {
                issues.append(
                    .init(
                        type: "list_type", location: ["body", "members"], message: "Input should be a valid list",
                        input: membersValue)
                )
            }
        } else {
            issues.append(.missing(at: ["body", "members"], in: value))
        }
        guard let name, let members else { return nil }
        return ClusterProposal(name: name, members: members)
    }

    private static func validateMember(
        _ value: JSONValue,
        at location: [ValidationIssue.LocationStep],
        issues: inout ValidationIssueList
    ) -> Member? {
        guard case .object(let object) = value else {
            issues.append(.modelAttributesType(at: location, input: value))
            return nil
        }
        let nodeID = LaxFields.integer(object, "node_id", at: location, issues: &issues)
        let name = LaxFields.string(object, "name", at: location, issues: &issues)
        let host = LaxFields.string(object, "host", at: location, issues: &issues)
        let port = LaxFields.integer(object, "port", at: location, issues: &issues)
        guard let nodeID, let name, let host, let port else { return nil }
        return Member(nodeID: nodeID, name: name, host: host, port: port)
    }
}

extension ValidationIssue {
    static func missing(at location: [LocationStep], in container: JSONValue) -> ValidationIssue {
        ValidationIssue(type: "missing", location: location, message: "Field required", input: container)
    }

    static func modelAttributesType(at location: [LocationStep], input: JSONValue) -> ValidationIssue {
        ValidationIssue(
            type: "model_attributes_type",
            location: location,
            message: "Input should be a valid dictionary or object to extract fields from",
            input: input
        )
    }
}
