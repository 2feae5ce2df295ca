import Foundation

/// A configuration tree written by a test into a unique temporary directory and removed by
/// `remove()`.
struct ApacheConfigurationTree {
    let root: String

    init(_ files: [String: String]) throws {
        let template = NSTemporaryDirectory() + "apache-config-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: created)
        for (relativePath, contents) in files {
            try write(relativePath, contents)
        }
    }

    /// Builds the absolute path of `relativePath` inside the tree.
    func path(_ relativePath: String) -> String { root + "/" + relativePath }

    func write(_ relativePath: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: path(relativePath))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url, atomically: false, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
