import Testing

@Test func placeholderDerivationTests() { #expect(Bool(true)) }
