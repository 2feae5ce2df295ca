/// The `Accept-Encoding` decision (RFC 9110 12.5.3): may this response be gzipped?
enum AcceptEncoding {
    /// Returns true when the field values accept gzip with a q-value above 0.
    ///
    /// An explicit `gzip` (or its alias `x-gzip`) entry decides; otherwise a `*` entry does.
    /// No field, an empty field, or a malformed q-value means no gzip.
    static func allowsGzip(_ fieldValues: [String]) -> Bool {
        var gzipQuality: Double? = nil
        var wildcardQuality: Double? = nil

        for value in fieldValues {
            for element in value.split(separator: ",") {
                let parameters = element.split(separator: ";", omittingEmptySubsequences: false)
                let coding = parameters[0].trimmingWhitespace().lowercased()
                if coding.isEmpty {
                    continue
                }

                let quality = qualityValue(parameters.dropFirst())
                switch coding {
                case "gzip", "x-gzip":
                    gzipQuality = max(gzipQuality ?? 0, quality)
                case "*":
                    wildcardQuality = max(wildcardQuality ?? 0, quality)
                default:
                    break
                }
            }
        }

        if let gzipQuality {
            return gzipQuality > 0
        }
        return (wildcardQuality ?? 0) > 0
    }

    /// Returns the `q` parameter, 1 when absent, or 0 when malformed or out of range.
    private static func qualityValue(_ parameters: ArraySlice<Substring>) -> Double {
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair[0].trimmingWhitespace().lowercased() == "q" else {
                continue
            }
            guard pair.count == 2, let quality = Double(pair[1].trimmingWhitespace()), (0...1).contains(quality) else {
                return 0
            }
            return quality
        }
        return 1
    }
}
