import Testing
@testable import CollectorDaemon

@Suite struct MallocTuningTests {
    @Test func mmapThresholdIsAccepted() {
        #expect(MallocTuning.setMmapThreshold(bytes: MallocTuning.responseBodyThresholdBytes))
    }
}
