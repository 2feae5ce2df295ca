import Testing
import ScoreboardSources

@Suite struct ProcessRatesTests {
    private func sample(
        pid: Int32 = 100, start: UInt64 = 5000, user: UInt64, system: UInt64,
        voluntary: UInt64? = 10, involuntary: UInt64? = 2
    ) -> ProcessSample {
        ProcessSample(
            identity: ProcessIdentity(pid: pid, startTimeTicks: start), parentPID: 1,
            command: "apache2", state: "S", startTimeSecondsSinceEpoch: nil, residentBytes: 1 << 20,
            userCPUTicks: user, systemCPUTicks: system, threads: 27,
            voluntaryContextSwitches: voluntary, involuntaryContextSwitches: involuntary,
            openFileDescriptors: 12
        )
    }

    @Test func percentOfOneCoreAndSwitchRates() throws {
        let earlier = sample(user: 100, system: 40, voluntary: 10, involuntary: 2)
        let later = sample(user: 150, system: 50, voluntary: 30, involuntary: 6)

        let rates = try #require(ProcessRates(from: earlier, to: later, elapsedSeconds: 2, clockTicksPerSecond: 100))

        // 50 ticks / 100 Hz / 2 s = 0.25 of a core.
        #expect(rates.userCPUPercentOfOneCore == 25)
        #expect(rates.systemCPUPercentOfOneCore == 5)
        #expect(rates.voluntaryContextSwitchesPerSecond == 10)
        #expect(rates.involuntaryContextSwitchesPerSecond == 2)
    }

    @Test func reusedPIDGivesNoRates() {
        let earlier = sample(start: 5000, user: 100, system: 40)
        let later = sample(start: 7000, user: 150, system: 50)
        #expect(ProcessRates(from: earlier, to: later, elapsedSeconds: 1, clockTicksPerSecond: 100) == nil)
    }

    @Test func otherPIDGivesNoRates() {
        let earlier = sample(pid: 100, user: 100, system: 40)
        let later = sample(pid: 101, user: 150, system: 50)
        #expect(ProcessRates(from: earlier, to: later, elapsedSeconds: 1, clockTicksPerSecond: 100) == nil)
    }

    @Test func counterGoingDownGivesNoRates() {
        let base = sample(user: 100, system: 40, voluntary: 10, involuntary: 2)
        let cases = [
            sample(user: 99, system: 40, voluntary: 10, involuntary: 2),
            sample(user: 100, system: 39, voluntary: 10, involuntary: 2),
            sample(user: 100, system: 40, voluntary: 9, involuntary: 2),
            sample(user: 100, system: 40, voluntary: 10, involuntary: 1),
        ]
        for later in cases {
            #expect(ProcessRates(from: base, to: later, elapsedSeconds: 1, clockTicksPerSecond: 100) == nil)
        }
    }

    @Test func badIntervalGivesNoRates() {
        let earlier = sample(user: 100, system: 40)
        let later = sample(user: 150, system: 50)
        for elapsed in [0.0, -1.0, Double.nan, Double.infinity] {
            #expect(ProcessRates(from: earlier, to: later, elapsedSeconds: elapsed, clockTicksPerSecond: 100) == nil)
        }
        #expect(ProcessRates(from: earlier, to: later, elapsedSeconds: 1, clockTicksPerSecond: 0) == nil)
    }

    @Test func missingSwitchCounterGivesNilSwitchRate() throws {
        let earlier = sample(user: 100, system: 40, voluntary: nil, involuntary: 2)
        let later = sample(user: 100, system: 40, voluntary: 20, involuntary: 2)
        let rates = try #require(ProcessRates(from: earlier, to: later, elapsedSeconds: 1, clockTicksPerSecond: 100))
        #expect(rates.voluntaryContextSwitchesPerSecond == nil)
        #expect(rates.involuntaryContextSwitchesPerSecond == 0)
        #expect(rates.userCPUPercentOfOneCore == 0)
    }
}
