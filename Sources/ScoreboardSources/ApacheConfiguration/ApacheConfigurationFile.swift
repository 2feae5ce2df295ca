import Glibc

/// File-system access for the configuration reader: whole-file reads, globbing, directory
/// listings, all through Glibc.
enum ApacheConfigurationFile {
    /// httpd's configuration files are a few kilobytes; a larger file is cut off here.
    static let maximumBytes = 16 * 1024 * 1024

    struct Failure: Error, Sendable, Equatable {
        var path: String
        var code: Int32

        var text: String { String(cString: strerror(code)) }

        /// "cannot read /etc/apache2/apache2.conf: Permission denied"
        var message: String { "cannot read \(path): \(text)" }
    }

    static func read(_ path: String) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Failure(path: path, code: errno)) }
        defer { close(fd) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < maximumBytes {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(path: path, code: errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Returns the canonical path (symbolic links resolved), or `path` itself when that fails.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reports whether `path` contains a shell wildcard that httpd's Include expands.
    static func hasWildcard(_ path: String) -> Bool {
        path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" })
    }

    /// Expands a wildcard pattern with glob(3), sorted by byte value as httpd sorts.
    static func glob(_ pattern: String) -> Result<[String], Failure> {
        var matches = glob_t()
        defer { globfree(&matches) }
        let status = Glibc.glob(pattern, 0, nil, &matches)
        if status == GLOB_NOMATCH { return .success([]) }
        guard status == 0 else { return .failure(Failure(path: pattern, code: status == GLOB_NOSPACE ? ENOMEM : EIO)) }

        var paths: [String] = []
        for index in 0..<Int(matches.gl_pathc) {
            if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return .success(paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    /// Lists the entries of a directory except "." and "..", sorted by byte value.
    static func entries(of directory: String) -> Result<[String], Failure> {
        guard let stream = opendir(directory) else { return .failure(Failure(path: directory, code: errno)) }
        defer { closedir(stream) }

        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    /// Joins a relative path to `base`; an absolute path is returned unchanged.
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if base.hasSuffix("/") { return base + path }
        return base + "/" + path
    }

    /// Returns the directory part of a path ("/etc/apache2" for "/etc/apache2/apache2.conf").
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[path.startIndex..<slash])
    }
}
