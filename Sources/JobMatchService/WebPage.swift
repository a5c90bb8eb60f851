import Foundation
import Hummingbird
import NIOCore

/// One file of the counsellors' web page (`Resources/web/`), read once when the service starts.
/// The set is fixed — `/web/{file}` serves these names and nothing else, so no path reaches the
/// file system.
struct WebFile: Sendable {
    var bytes: [UInt8]
    var contentType: String

    /// The page (`GET /`) and its assets (`GET /web/{file}`).
    static let manifest: [(name: String, type: String)] = [
        ("index.html", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
    ]

    static func load() -> [String: WebFile] {
        var files: [String: WebFile] = [:]
        for f in manifest {
            if let bytes = ServiceResources.bytes("web/" + f.name) { files[f.name] = WebFile(bytes: bytes, contentType: f.type) }
        }
        return files
    }

    /// Scripts and styles from this origin only (no inline code, no CDN), API calls to this origin
    /// only, forms never submitted by the browser itself (the script sends them — so a key typed
    /// into the sign-in form can never end up in a URL), and no framing.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
}

extension JobMatchService {
    func webFile(_ name: String) throws -> Response {
        guard let file = webFiles[name] else {
            if name == "index.html" || WebFile.manifest.contains(where: { $0.name == name }) {
                throw Problem(.unavailable, status: 503, detail: "the web page is not installed beside the binary")
            }
            throw Problem.notFound("no such file: \(Self.safePath(name))")
        }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        // revalidated each time (small files; a new release must not be mixed with an old script)
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = WebFile.contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "DENY"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
