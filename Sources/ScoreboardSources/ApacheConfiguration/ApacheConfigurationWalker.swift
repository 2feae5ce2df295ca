/// One directive as written, after variable expansion.
struct ApacheDirectiveOccurrence: Sendable, Equatable {
    /// The name as written (`MaxClients`, `maxrequestworkers`, …).
    var name: String
    var arguments: [String]
    var location: ApacheConfigurationLocation
    /// `${NAME}` references left unexpanded because NAME is not defined.
    var undefinedVariables: [String]
}

/// Reads httpd's configuration files in the order httpd reads them: follows Include and
/// IncludeOptional, evaluates conditional sections, and keeps the last occurrence of each
/// directive the collector needs.
///
/// Sections are evaluated as httpd does at parse time, in file order. `<IfModule>` is true when
/// a `LoadModule` for the module appeared earlier or the module is compiled in; only the loaded
/// MPM's `<IfModule mpm_…>` blocks apply. `<IfDefine>` is true or false only for names set by
/// `Define` or listed in the known command-line defines. Otherwise the section is skipped, with
/// a warning. `<IfVersion>`, `<IfDirective>` and `<IfSection>` are skipped with a warning.
/// `<If>`, `<ElseIf>`, `<Else>` and `<Macro>` bodies are skipped, because they do not apply
/// server-wide at startup. Every other section (`<VirtualHost>`, `<Directory>`, …) is read
/// through, so an Include inside it is followed.
struct ApacheConfigurationWalker {
    struct Options {
        var compiledInModules: Set<String>
        /// The `-D` names httpd was started with; nil when unknown.
        var commandLineDefines: Set<String>?
        var maximumIncludeDepth: Int
    }

    /// Lower-case names of the directives kept for the resolver. `MaxClients` is stored under
    /// `maxrequestworkers`, because it is the pre-2.4 name of the same setting.
    static let recordedDirectives: Set<String> = [
        "maxrequestworkers", "threadsperchild", "serverlimit", "threadlimit", "startservers",
        "scoreboardfile", "pidfile", "extendedstatus", "defaultruntimedir",
    ]

    let options: Options
    var serverRoot: String
    var variables: [String: String]
    /// Reason that a variable set in envvars could not be evaluated, by variable name.
    var variableProblems: [String: String]
    var configuredDefines: Set<String> = []
    /// Loaded module name → where its LoadModule is; compiled-in modules have no location.
    var loadedModules: [String: ApacheConfigurationLocation?] = [:]
    var directives: [String: ApacheDirectiveOccurrence] = [:]
    var filesRead: [String] = []
    var warnings: [String] = []
    /// Files httpd would read that this reader could not: any value may hide in them.
    var unreadIncludes: [String] = []
    private var includeStack: [String] = []

    init(options: Options, serverRoot: String, variables: [String: String], variableProblems: [String: String]) {
        self.options = options
        self.serverRoot = serverRoot
        self.variables = variables
        self.variableProblems = variableProblems
        for module in options.compiledInModules { loadedModules[module] = .some(nil) }
    }

    /// A section being read: its lower-case name, whether its body applies, where it opened.
    private struct OpenSection {
        var name: String
        var applies: Bool
        var location: ApacheConfigurationLocation
    }

    /// Reads the main configuration file. Returns the failure when it cannot be read.
    mutating func walkMainFile(_ path: String) -> ApacheConfigurationFile.Failure? {
        switch ApacheConfigurationFile.read(path) {
        case .failure(let failure): return failure
        case .success(let bytes):
            walk(bytes: bytes, path: path, depth: 0)
            return nil
        }
    }

    private mutating func walk(bytes: [UInt8], path: String, depth: Int) {
        filesRead.append(path)
        includeStack.append(ApacheConfigurationFile.canonical(path))
        defer { includeStack.removeLast() }

        var sections: [OpenSection] = []
        for line in ApacheConfigurationLine.split(bytes) {
            let text = line.text
            if text.isEmpty || text.hasPrefix("#") { continue }
            let location = ApacheConfigurationLocation(file: path, line: line.lineNumber)
            let applies = sections.last?.applies ?? true

            if text.hasPrefix("</") {
                closeSection(text, at: location, sections: &sections)
                continue
            }
            if text.hasPrefix("<") {
                let section = openSection(text, at: location, parentApplies: applies)
                sections.append(section)
                continue
            }
            guard applies else { continue }

            let expansion = ApacheVariableExpansion(text, variables: variables)
            let words = ApacheConfigurationWords.split(expansion.text)
            guard let name = words.first else { continue }
            apply(
                ApacheDirectiveOccurrence(
                    name: name, arguments: Array(words.dropFirst()), location: location,
                    undefinedVariables: expansion.undefinedNames),
                depth: depth)
        }

        for section in sections.reversed() {
            warnings.append(
                "<\(section.name)> opened at \(section.location) is not closed in that file, "
                    + "which httpd rejects as a syntax error")
        }
    }

    private mutating func closeSection(
        _ text: String, at location: ApacheConfigurationLocation, sections: inout [OpenSection]
    ) {
        let name = text.dropFirst(2).prefix(while: { $0 != ">" && !$0.isWhitespace }).lowercased()
        guard let open = sections.popLast() else {
            warnings.append("</\(name)> at \(location) closes no open section")
            return
        }
        if open.name != name {
            warnings.append("</\(name)> at \(location) closes <\(open.name)> opened at \(open.location)")
        }
    }

    private mutating func openSection(
        _ text: String, at location: ApacheConfigurationLocation, parentApplies: Bool
    ) -> OpenSection {
        let body = text.dropFirst()
        let writtenName = body.prefix(while: { $0 != ">" && !$0.isWhitespace })
        let name = writtenName.lowercased()
        var argumentText = String(body.dropFirst(writtenName.count)).trimmingApacheWhitespace()
        if argumentText.hasSuffix(">") {
            argumentText.removeLast()
        } else if parentApplies {
            warnings.append("<\(name) at \(location) lacks its closing '>'")
        }

        guard parentApplies else { return OpenSection(name: name, applies: false, location: location) }
        let expansion = ApacheVariableExpansion(argumentText, variables: variables)
        let arguments = ApacheConfigurationWords.split(expansion.text)
        let applies = evaluateSection(name, arguments: arguments, at: location)
        return OpenSection(name: name, applies: applies, location: location)
    }

    /// Decides whether the body of a section applies.
    private mutating func evaluateSection(
        _ name: String, arguments: [String], at location: ApacheConfigurationLocation
    ) -> Bool {
        let argument = arguments.first ?? ""
        let negated = argument.hasPrefix("!")
        let subject = negated ? String(argument.dropFirst()) : argument

        switch name {
        case "ifmodule":
            let loaded = loadedModules[Self.moduleName(forIdentifier: subject)] != nil
            return loaded != negated

        case "ifdefine":
            if configuredDefines.contains(subject) { return !negated }
            if let known = options.commandLineDefines { return known.contains(subject) != negated }
            warnings.append(
                "skipped <IfDefine \(argument)> at \(location): the -D options httpd was started with are unknown; "
                    + "pass them as commandLineDefines to evaluate it")
            return false

        case "iffile":
            let path = ApacheConfigurationFile.resolve(subject, against: serverRoot)
            return ApacheConfigurationFile.exists(path) != negated

        case "ifversion", "ifdirective", "ifsection":
            let condition = arguments.joined(separator: " ")
            warnings.append("skipped <\(name) \(condition)> at \(location): this reader cannot evaluate it")
            return false

        case "if", "elseif", "else", "macro":
            return false

        default:
            return true
        }
    }

    /// Maps an `<IfModule>` argument to a module name: `mod_status.c` → `status_module`,
    /// `event.c` → `mpm_event_module`; a module name is returned unchanged.
    static func moduleName(forIdentifier identifier: String) -> String {
        guard identifier.hasSuffix(".c") else { return identifier }
        let file = identifier.lowercased()
        if let mpm = ApacheMPM.allCases.first(where: { $0.sourceFileName == file }) { return mpm.moduleName }
        switch file {
        case "core.c": return "core_module"
        case "http_core.c": return "http_module"
        default: break
        }
        if file.hasPrefix("mod_") {
            return String(file.dropFirst("mod_".count).dropLast(".c".count)) + "_module"
        }
        return identifier
    }

    private mutating func apply(_ directive: ApacheDirectiveOccurrence, depth: Int) {
        let key = directive.name.lowercased()
        let location = directive.location
        let arguments = directive.arguments

        switch key {
        case "serverroot":
            if let root = arguments.first {
                serverRoot = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
            }

        case "loadmodule":
            guard let module = arguments.first else { return }
            if loadedModules[module] != nil {
                warnings.append(
                    "LoadModule \(module) at \(location) loads a module that is already loaded, so httpd skips it")
            } else {
                loadedModules[module] = location
            }

        case "include", "includeoptional":
            guard let pattern = arguments.first else {
                warnings.append("\(directive.name) at \(location) has no path")
                return
            }
            include(pattern, optional: key == "includeoptional", directive: directive, depth: depth)

        case "define":
            guard let name = arguments.first else { return }
            configuredDefines.insert(name)
            if arguments.count > 1 { variables[name] = arguments[1] }

        case "undefine":
            guard let name = arguments.first else { return }
            configuredDefines.remove(name)
            variables[name] = nil

        case "use":
            let macro = arguments.first ?? ""
            warnings.append("Use \(macro) at \(location) expands a macro, which this reader does not do")

        case "maxclients":
            directives["maxrequestworkers"] = directive

        default:
            if Self.recordedDirectives.contains(key) { directives[key] = directive }
        }
    }

    private mutating func include(_ pattern: String, optional: Bool, directive: ApacheDirectiveOccurrence, depth: Int) {
        let location = directive.location
        if !directive.undefinedVariables.isEmpty {
            let names = directive.undefinedVariables.joined(separator: ", ")
            unreadIncludes.append("\(directive.name) \(pattern) at \(location) uses undefined variable \(names)")
            return
        }

        let path = ApacheConfigurationFile.resolve(pattern, against: serverRoot)
        if ApacheConfigurationFile.hasWildcard(path) {
            switch ApacheConfigurationFile.glob(path) {
            case .failure(let failure):
                unreadIncludes.append("\(directive.name) \(pattern) at \(location): \(failure.message)")
            case .success(let matches) where matches.isEmpty:
                if !optional {
                    unreadIncludes.append(
                        "Include \(path) at \(location) matches no file, so httpd fails to start with this configuration")
                }
            case .success(let matches):
                for match in matches { includePath(match, from: location, depth: depth + 1) }
            }
            return
        }

        if !ApacheConfigurationFile.exists(path) {
            if !optional {
                unreadIncludes.append(
                    "Include \(path) at \(location) names a missing file, so httpd fails to start with this configuration")
            }
            return
        }
        includePath(path, from: location, depth: depth + 1)
    }

    /// Reads one included file, or every file below an included directory in sorted order.
    private mutating func includePath(_ path: String, from location: ApacheConfigurationLocation, depth: Int) {
        guard depth <= options.maximumIncludeDepth else {
            unreadIncludes.append(
                "\(path) included at \(location) exceeds the include depth limit of \(options.maximumIncludeDepth)")
            return
        }
        if includeStack.contains(ApacheConfigurationFile.canonical(path)) {
            warnings.append("include cycle: \(location) includes \(path), which is already being read; not read again")
            return
        }

        if ApacheConfigurationFile.isDirectory(path) {
            switch ApacheConfigurationFile.entries(of: path) {
            case .failure(let failure):
                unreadIncludes.append("\(failure.message) (included at \(location))")
            case .success(let names):
                includeStack.append(ApacheConfigurationFile.canonical(path))
                for name in names { includePath(path + "/" + name, from: location, depth: depth + 1) }
                includeStack.removeLast()
            }
            return
        }

        switch ApacheConfigurationFile.read(path) {
        case .failure(let failure):
            unreadIncludes.append("\(failure.message) (included at \(location))")
        case .success(let bytes):
            walk(bytes: bytes, path: path, depth: depth)
        }
    }
}
