import Testing

@Test func placeholderHistoryTests() { #expect(Bool(true)) }
