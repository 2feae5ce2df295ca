/// Maps exact paths to handlers.
///
/// An unknown path gets a 404. A known path with a method it does not accept gets a 405 with
/// an `Allow` header. `HEAD` runs the `GET` handler and the server drops the body. `OPTIONS` on
/// a known path gets a 204 with `Allow`.
public struct Router: Sendable {
    private let handlers: [String: [String: HTTPHandler]]
    private let notFoundHint: String?

    /// Creates a router; `notFoundHint` is appended to every 404 message, for instance
    /// "see /v1/ for the list of endpoints".
    ///
    /// Routes with the same path merge their methods. The same path and method twice is a
    /// programming error and stops the process.
    public init(routes: [Route], notFoundHint: String? = nil) {
        var handlers: [String: [String: HTTPHandler]] = [:]
        for route in routes {
            for method in route.methods {
                precondition(handlers[route.path]?[method] == nil, "route \(method) \(route.path) is defined twice")
                handlers[route.path, default: [:]][method] = route.handler
            }
        }
        self.handlers = handlers
        self.notFoundHint = notFoundHint
    }

    /// Every routed path, sorted.
    public var paths: [String] { handlers.keys.sorted() }

    /// Returns the value of the `Allow` header for `path`, or `nil` when no route has that path.
    public func allowedMethods(for path: String) -> String? {
        guard let methods = handlers[path] else {
            return nil
        }
        return Self.allowHeader(for: methods)
    }

    func resolve(method: String, path: String) -> RouteResolution {
        guard let methods = handlers[path] else {
            var message = "no route for \(path)"
            if let notFoundHint {
                message += "; \(notFoundHint)"
            }
            return .failure(.notFound(message), allow: nil)
        }

        if let handler = methods[method] {
            return .handler(handler)
        }
        if method == "HEAD", let handler = methods["GET"] {
            return .handler(handler)
        }

        let allow = Self.allowHeader(for: methods)
        if method == "OPTIONS" {
            return .options(allow: allow)
        }
        let error = HTTPError(
            status: 405,
            code: "method_not_allowed",
            message: "method \(method) is not allowed on \(path): use \(allow)"
        )
        return .failure(error, allow: allow)
    }

    private static func allowHeader(for methods: [String: HTTPHandler]) -> String {
        var names = Set(methods.keys)
        if names.contains("GET") {
            names.insert("HEAD")
        }
        names.insert("OPTIONS")
        return names.sorted().joined(separator: ", ")
    }
}

/// Router decision for one request.
enum RouteResolution {
    case handler(HTTPHandler)
    case options(allow: String)
    case failure(HTTPError, allow: String?)
}
