import Testing

/// Parent of every integration suite. Its `.serialized` trait applies to all nested suites, so
/// at most one private Apache or collector runs at a time and timings stay meaningful on a
/// small machine. Suites join it with `extension IntegrationSuite { @Suite struct … }`.
@Suite(.serialized) enum IntegrationSuite {}
