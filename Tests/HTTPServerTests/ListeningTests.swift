import Foundation
import Glibc
import Testing
import HTTPServer

/// Binding: addresses, ports and the errors a bad listen address gives.
@Suite struct ListeningTests {
    @Test func portZeroReportsBoundPort() throws {
        let server = try TestServer()

        #expect(server.port != 0)
        #expect(server.server.address == "127.0.0.1:\(server.port)")
    }

    @Test func portInUseNamesAddressAndErrno() throws {
        let first = try TestServer()
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: first.port)

        #expect {
            _ = try HTTPServer(configuration: configuration, router: Router(routes: []))
        } throws: { error in
            let message = (error as? HTTPServerError)?.description ?? ""
            return error as? HTTPServerError == .cannotListen(address: "127.0.0.1:\(first.port)", operation: "bind", errno: EADDRINUSE)
                && message.contains("cannot listen on 127.0.0.1:\(first.port)")
                && message.contains("(EADDRINUSE)")
                && message.contains("choose another port")
        }
    }

    @Test(arguments: ["localhost", "127.0.0.256", "", "[::1]", "1.2.3"])
    func hostNameIsInvalidAddress(host: String) {
        let configuration = HTTPServerConfiguration(host: host, port: 0)

        #expect(throws: HTTPServerError.invalidAddress(host: host)) {
            _ = try HTTPServer(configuration: configuration, router: Router(routes: []))
        }
    }

    @Test func invalidLimitIsRejected() {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 0

        #expect(throws: HTTPServerError.invalidConfiguration("invalid maxConnections 0: give 1 or more")) {
            _ = try HTTPServer(configuration: configuration, router: Router(routes: []))
        }
    }

    @Test func ipv6LoopbackServes() throws {
        let configuration = HTTPServerConfiguration(host: "::1", port: 0)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: configuration, router: TestServer.router)
        } catch {
            // NOTE: containers without IPv6 cannot bind ::1; the test then proves nothing.
            guard case .cannotListen(_, _, let code) = error, code == EADDRNOTAVAIL || code == EAFNOSUPPORT else {
                throw error
            }
            return
        }
        let finished = DispatchSemaphore(value: 0)
        Thread {
            server.run()
            finished.signal()
        }.start()
        defer {
            server.stop()
            finished.wait()
        }

        let result = try runTool("/usr/bin/curl", ["--silent", "--max-time", "10", "http://[::1]:\(server.port)/hello"])
        #expect(server.address == "[::1]:\(server.port)")
        #expect(result.outputText == TestServer.helloBody)
    }
}
