import Foundation
import Hummingbird

/// The token a page and its WebSocket need when dawg listens beyond this machine
/// (`--bind` to a network address, or `--token` given). A request carries it as
/// `?token=…` (the address `dawg serve` prints; the page's answer then sets it as a
/// cookie for the files and the WebSocket that follow), as `Authorization: Bearer …`,
/// or as that cookie. Without it: 401 and nothing else happens. `/health` and
/// `/metrics` stay open for monitors.
struct PageToken<Context: RequestContext>: RouterMiddleware {
    let token: String?

    static var cookieName: String { "dawg_token" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else { return try await next(request, context) }
        let path = request.uri.path
        if path == "/health" || path == "/metrics" { return try await next(request, context) }
        if let query = request.uri.queryParameters.get("token"), Self.same(query, token) {
            var response = try await next(request, context)
            response.headers[.setCookie] = "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
            return response
        }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        if let bearer, Self.same(bearer, token) { return try await next(request, context) }
        if let cookie = Self.cookie(request.headers[values: .cookie]), Self.same(cookie, token) { return try await next(request, context) }
        return Response(status: .unauthorized,
                        headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
                        body: .init(byteBuffer: ByteBuffer(string: "dawg: this page needs its token: open the address `dawg serve` printed (…/?token=…)\n")))
    }

    static func cookie(_ headers: [String]) -> String? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let kv = pair.trimmingCharacters(in: .whitespaces)
                if kv.hasPrefix(cookieName + "=") { return String(kv.dropFirst(cookieName.count + 1)) }
            }
        }
        return nil
    }

    /// Compares in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

enum AccessToken {
    /// 128 random bits as hex.
    static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &rng)) }.joined()
    }

    /// Whether `host` is this machine only.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
