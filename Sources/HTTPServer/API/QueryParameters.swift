/// Helpers that turn query parameters into typed values or a 400 that names the value and
/// the fix.
extension HTTPRequest {
    /// Parses an integer query parameter.
    ///
    /// Returns `nil` when the parameter is absent. Throws a 400 `invalid_parameter` error
    /// when the value is not a whole number within `range`, when it is empty, or when the
    /// parameter appears more than once.
    public func queryInteger(_ name: String, in range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        let expectation = "give a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard let text = try singleQueryValue(name, expectation: expectation) else {
            return nil
        }
        guard let value = Int(text), range.contains(value) else {
            throw HTTPError.badRequest("invalid \(name) '\(text)': \(expectation)", code: "invalid_parameter")
        }
        return value
    }

    /// Parses a decimal query parameter such as a Unix time with a fraction, `1700000000.25`.
    ///
    /// Returns `nil` when the parameter is absent. Throws a 400 `invalid_parameter` error
    /// when the value is not a finite decimal number within `range` (exponents, `inf` and
    /// `nan` are rejected), or when the parameter appears more than once.
    public func queryDecimal(_ name: String, in range: ClosedRange<Double>) throws(HTTPError) -> Double? {
        let expectation = "give a decimal number from \(range.lowerBound) to \(range.upperBound)"
        guard let text = try singleQueryValue(name, expectation: expectation) else {
            return nil
        }
        let isPlainDecimal = text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        guard isPlainDecimal, let value = Double(text), value.isFinite, range.contains(value) else {
            throw HTTPError.badRequest("invalid \(name) '\(text)': \(expectation)", code: "invalid_parameter")
        }
        return value
    }

    /// Returns the only value of `name`, `nil` when absent, or throws when it appears twice.
    private func singleQueryValue(_ name: String, expectation: String) throws(HTTPError) -> String? {
        let values = query.filter { $0.name == name }.map(\.value)
        guard values.count <= 1 else {
            throw HTTPError.badRequest(
                "parameter \(name) appears \(values.count) times: \(expectation) once",
                code: "invalid_parameter"
            )
        }
        return values.first
    }

    /// Rejects query parameters whose names are not in `allowed`, so that a misspelt
    /// parameter gives a 400 instead of being ignored.
    public func requireKnownQueryParameters(_ allowed: Set<String>) throws(HTTPError) {
        guard let unknown = query.first(where: { !allowed.contains($0.name) }) else {
            return
        }
        let list = allowed.isEmpty ? "this path takes no parameters" : "use one of \(allowed.sorted().joined(separator: ", "))"
        throw HTTPError.badRequest("unknown parameter '\(unknown.name)': \(list)", code: "unknown_parameter")
    }
}
