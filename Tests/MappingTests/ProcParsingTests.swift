import Testing
@testable import ScoreboardSources

@Suite struct ProcParsingTests {
    /// A real line from /proc/<pid>/stat of `cat` on Linux 6.x, 52 fields.
    static let catStat = "6398 (cat) R 6392 6392 4493 0 -1 4194304 97 0 0 0 7 3 0 0 20 0 1 0 43675 3133440 390 18446744073709551615 93935559389184 93935559409065 140723483020048 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 93935559425072 93935559426688 93935631687680 140723483028175 140723483028195 140723483028195 140723483029483 0\n"

    @Test func statFieldsByNumber() throws {
        let fields = try #require(ProcStatFields(Self.catStat))
        #expect(fields.pid == 6398)
        #expect(fields.command == "cat")
        #expect(fields.state == "R")
        #expect(fields.parentPID == 6392)
        #expect(fields.userCPUTicks == 7)
        #expect(fields.systemCPUTicks == 3)
        #expect(fields.threads == 1)
        #expect(fields.startTimeTicks == 43675)
    }

    @Test func commandWithSpacesAndParentheses() throws {
        let line = "42 (a) b (c)) S 1 42 42 0 -1 0 0 0 0 0 11 12 0 0 20 0 3 0 999 0 0\n"
        let fields = try #require(ProcStatFields(line))
        #expect(fields.command == "a) b (c)")
        #expect(fields.state == "S")
        #expect(fields.parentPID == 1)
        #expect(fields.userCPUTicks == 11)
        #expect(fields.systemCPUTicks == 12)
        #expect(fields.threads == 3)
        #expect(fields.startTimeTicks == 999)
    }

    @Test func statRejectsMalformedLines() {
        #expect(ProcStatFields("") == nil)
        #expect(ProcStatFields("12 (x) S 1") == nil)
        #expect(ProcStatFields(")( S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20") == nil)
        #expect(ProcStatFields("12 (x) S 1 2 3 4 5 6 7 8 9 10 99999999999999999999999 1 2 3 4 5 6 7 8") == nil)
        #expect(ProcStatFields("abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20") == nil)
        #expect(ProcStatFields("12 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20") == nil)
    }

    @Test func statFuzzNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789 ()-\n\tSRZxyz\u{0}\u{FF}".utf8)
        let real = Array(Self.catStat.utf8)
        var parsedTruncations = 0

        // Every prefix of a real line: only prefixes that reach field 22 parse.
        for length in 0...real.count {
            if let fields = ProcStatFields(real[0..<length]) {
                parsedTruncations += 1
                #expect(fields.pid == 6398)
            }
        }
        #expect(parsedTruncations > 0)
        #expect(parsedTruncations < real.count)

        // Random bytes, random text from stat-like characters, and random edits of a real line.
        for _ in 0..<3000 {
            let length = Int.random(in: 0...300, using: &generator)
            let randomBytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = ProcStatFields(randomBytes[...])
            _ = ProcStatusFields(randomBytes[...])

            let statLike = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = ProcStatFields(statLike[...])
            _ = ProcStatusFields(statLike[...])

            var edited = real
            for _ in 0..<Int.random(in: 1...5, using: &generator) {
                let index = Int.random(in: 0..<edited.count, using: &generator)
                edited[index] = alphabet.randomElement(using: &generator)!
            }
            _ = ProcStatFields(edited[...])
        }
    }

    @Test func statusFieldsByName() {
        let text = """
            Name:\tapache2
            State:\tS (sleeping)
            PPid:\t1
            VmRSS:\t    1616 kB
            Threads:\t27
            voluntary_ctxt_switches:\t150
            nonvoluntary_ctxt_switches:\t4

            """
        let fields = ProcStatusFields(text)
        #expect(fields.residentBytes == 1616 * 1024)
        #expect(fields.threads == 27)
        #expect(fields.voluntaryContextSwitches == 150)
        #expect(fields.involuntaryContextSwitches == 4)
    }

    @Test func statusOfZombieHasNoResidentSize() {
        let text = "Name:\tsh\nState:\tZ (zombie)\nThreads:\t1\nvoluntary_ctxt_switches:\t2\nnonvoluntary_ctxt_switches:\t0\n"
        let fields = ProcStatusFields(text)
        #expect(fields.residentBytes == nil)
        #expect(fields.threads == 1)
        #expect(fields.voluntaryContextSwitches == 2)
        #expect(fields.involuntaryContextSwitches == 0)
    }

    @Test func statusIgnoresMalformedValues() {
        let fields = ProcStatusFields("VmRSS:\tlots kB\nThreads:\t-1\nvoluntary_ctxt_switches:\n")
        #expect(fields.residentBytes == nil)
        #expect(fields.threads == nil)
        #expect(fields.voluntaryContextSwitches == nil)
        #expect(fields.involuntaryContextSwitches == nil)
    }
}
