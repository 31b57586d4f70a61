import CLibXML2

/// libxml2's global state (encoding handlers, the parser dictionary) must be set up once, before
/// any two threads use the library; otherwise the first parse and the first serialization race to
/// initialize it (seen as a crash when an Autodiscover request was written while an autoconfig
/// document was parsed). Every entry point into libxml2 calls `ensureInitialized()` first.
enum LibXML {
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    static func ensureInitialized() { _ = initialized }
}
