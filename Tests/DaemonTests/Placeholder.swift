import Testing

@Test func placeholderDaemonTests() { #expect(Bool(true)) }
