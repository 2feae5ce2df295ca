/// Splits directive arguments into words the way httpd's `ap_getword_conf` does.
///
/// Words are separated by whitespace. A word that starts with a double or single quote runs to
/// the matching quote and may contain whitespace. Inside quotes, a backslash escapes that quote
/// character or another backslash. Outside quotes, backslashes are kept as written.
enum ApacheConfigurationWords {
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var characters = Substring(text)

        while true {
            while let first = characters.first, first.isWhitespace { characters.removeFirst() }
            guard let first = characters.first else { break }

            if first == "\"" || first == "'" {
                characters.removeFirst()
                var word = ""
                while let character = characters.first, character != first {
                    characters.removeFirst()
                    if character == "\\", let next = characters.first, next == first || next == "\\" {
                        word.append(next)
                        characters.removeFirst()
                    } else {
                        word.append(character)
                    }
                }
                if characters.first == first { characters.removeFirst() }
                words.append(word)
            } else {
                let word = characters.prefix(while: { !$0.isWhitespace })
                characters.removeFirst(word.count)
                words.append(String(word))
            }
        }
        return words
    }
}
