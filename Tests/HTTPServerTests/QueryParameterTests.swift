import Testing
import HTTPServer

/// Typed query helpers on requests built directly.
@Suite struct QueryParameterTests {
    private func request(_ query: [(name: String, value: String)]) -> HTTPRequest {
        HTTPRequest(method: "GET", target: "/", path: "/", query: query)
    }

    @Test func integerWithinRangeParses() throws {
        #expect(try request([("limit", "60")]).queryInteger("limit", in: 1...86400) == 60)
        #expect(try request([]).queryInteger("limit", in: 1...86400) == nil)
    }

    @Test(arguments: ["", "abc", "1.5", "0", "86401", "99999999999999999999999"])
    func invalidIntegerNamesValueAndRange(value: String) {
        #expect(throws: HTTPError.badRequest(
            "invalid limit '\(value)': give a whole number from 1 to 86400",
            code: "invalid_parameter"
        )) {
            _ = try request([("limit", value)]).queryInteger("limit", in: 1...86400)
        }
    }

    @Test func repeatedIntegerIsRejected() {
        #expect(throws: HTTPError.badRequest(
            "parameter limit appears 2 times: give a whole number from 1 to 86400 once",
            code: "invalid_parameter"
        )) {
            _ = try request([("limit", "1"), ("limit", "2")]).queryInteger("limit", in: 1...86400)
        }
    }

    @Test func decimalWithinRangeParses() throws {
        #expect(try request([("since", "1700000000.25")]).queryDecimal("since", in: 0...1e12) == 1_700_000_000.25)
        #expect(try request([("since", "-1")]).queryDecimal("since", in: -10...10) == -1)
    }

    @Test(arguments: ["", "nan", "inf", "1e3", "0x10", "2e12", "1.2.3"])
    func invalidDecimalIsRejected(value: String) {
        #expect(throws: HTTPError.self) {
            _ = try request([("since", value)]).queryDecimal("since", in: 0...1e12)
        }
    }

    @Test func unknownParameterIsRejected() throws {
        try request([("limit", "1")]).requireKnownQueryParameters(["limit"])

        #expect(throws: HTTPError.badRequest("unknown parameter 'x': this path takes no parameters", code: "unknown_parameter")) {
            try request([("x", "1")]).requireKnownQueryParameters([])
        }
    }

    @Test func headerLookupIgnoresCase() {
        let request = HTTPRequest(method: "GET", target: "/", path: "/", headers: [(name: "accept", value: "application/json")])

        #expect(request.header("Accept") == "application/json")
        #expect(request.header("host") == nil)
    }

    @Test func errorBodyEscapesJSON() {
        let error = HTTPError.badRequest("bad \"quote\" \\ and \u{01}\nline")

        #expect(error.jsonBody == #"{"error":{"status":400,"code":"bad_request","message":"bad \"quote\" \\ and \u0001\nline"}}"#)
    }
}
