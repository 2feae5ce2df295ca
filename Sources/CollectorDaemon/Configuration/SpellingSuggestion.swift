/// Finds the known word an operator most likely meant when they mistyped a flag or key.
enum SpellingSuggestion {
    /// Returns the candidate closest to `word` by edit distance, when it is close enough to
    /// be a typo: at most 2 edits, and at most a third of the word's length (at least 1).
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let allowed = min(2, max(1, lowered.count / 3))
        var best: (candidate: String, distance: Int)? = nil

        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= allowed, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Levenshtein distance, where an insertion, deletion or substitution costs 1.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let source = Array(a)
        let target = Array(b)
        if source.isEmpty { return target.count }
        if target.isEmpty { return source.count }

        var previousRow = Array(0...target.count)
        var currentRow = [Int](repeating: 0, count: target.count + 1)
        for i in 1...source.count {
            currentRow[0] = i
            for j in 1...target.count {
                let substitution = previousRow[j - 1] + (source[i - 1] == target[j - 1] ? 0 : 1)
                currentRow[j] = min(previousRow[j] + 1, currentRow[j - 1] + 1, substitution)
            }
            swap(&previousRow, &currentRow)
        }
        return previousRow[target.count]
    }
}
