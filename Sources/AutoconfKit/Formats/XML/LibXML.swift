import CLibXML2

/// libxml2, loaded at first use instead of linked. Debian's libxml2 brings ICU (libicuuc and its
/// 30 MB libicudata), liblzma, libz and libstdc++: a C program that merely links it takes ~2.7 ms
/// to start instead of ~0.9 ms, and every `autoconf` run paid that, although an offline lookup
/// reads its bundled provider file from a tree parsed at build time and needs no XML parser. The
/// first parse or serialization `dlopen`s `libxml2.so.2` (the runtime package's soname) and
/// resolves, once, the functions used in Formats/XML; the library is never unloaded.
///
/// `shared` is a `static let`, so loading, symbol lookup and `xmlInitParser` run once and
/// thread-safely. libxml2's global state (encoding handlers, the parser dictionary) must be set up
/// before any two threads use the library; otherwise the first parse and the first serialization
/// race to initialize it (seen as a crash when an Autodiscover request was written while an
/// autoconfig document was parsed). A missing library is a one-line error, never a crash.
final class LibXML: @unchecked Sendable {  // immutable after init; the library stays loaded
    typealias LoadError = LoadedLibrary.LoadError

    static let soname = "libxml2.so.2"

    /// The process's libxml2, loaded and initialized on first access.
    static let shared: Result<LibXML, LoadError> = {
        do throws(LoadError) {
            let library = try LibXML(soname: soname)
            library.initParser()
            return .success(library)
        } catch {
            return .failure(error)
        }
    }()

    static func load() throws(LoadError) -> LibXML { try shared.get() }

    /// `shared`, made on a thread of its own: the network warm-up starts it beside libcurl's
    /// load, and the sources that fetch XML await `ready()` before they write a request or parse
    /// a response, so a cooperative thread never sits in this dlopen (or behind libcurl's, which
    /// holds the loader's lock for ~15 ms).
    private static let background = BackgroundValue<Bool>(name: "autoconf-xml") {
        if case .success = shared { return true }
        return false
    }

    static func preload() { background.start() }

    static func ready() async { _ = await background.value() }

    /// Why libxml2 cannot be used (not installed or not usable), as one line; nil when it can.
    static var unavailable: String? {
        if case .failure(let error) = shared { return error.description }
        return nil
    }

    private let initParser: autoconf_xmlInitParser_fn
    let newParserCtxt: autoconf_xmlNewParserCtxt_fn
    let freeParserCtxt: autoconf_xmlFreeParserCtxt_fn
    let setStructuredErrorFunc: autoconf_xmlSetStructuredErrorFunc_fn
    let ctxtReadMemory: autoconf_xmlCtxtReadMemory_fn
    let ctxtGetLastError: autoconf_xmlCtxtGetLastError_fn
    let freeDoc: autoconf_xmlFreeDoc_fn
    let docGetRootElement: autoconf_xmlDocGetRootElement_fn
    let getLineNo: autoconf_xmlGetLineNo_fn
    let newDoc: autoconf_xmlNewDoc_fn
    let newNode: autoconf_xmlNewNode_fn
    let newProp: autoconf_xmlNewProp_fn
    let nodeAddContent: autoconf_xmlNodeAddContent_fn
    let addChild: autoconf_xmlAddChild_fn
    let docSetRootElement: autoconf_xmlDocSetRootElement_fn
    let docDumpFormatMemoryEnc: autoconf_xmlDocDumpFormatMemoryEnc_fn
    let validateNCName: autoconf_xmlValidateNCName_fn

    /// Opens and resolves, without `xmlInitParser` (tests open a missing name through this).
    init(soname: String) throws(LoadError) {
        let library = try LoadedLibrary(soname: soname, displayName: "libxml2", package: "libxml2")
        func function<T>(_ name: String, as type: T.Type) throws(LoadError) -> T { try library.function(name, as: type) }
        initParser = try function("xmlInitParser", as: autoconf_xmlInitParser_fn.self)
        newParserCtxt = try function("xmlNewParserCtxt", as: autoconf_xmlNewParserCtxt_fn.self)
        freeParserCtxt = try function("xmlFreeParserCtxt", as: autoconf_xmlFreeParserCtxt_fn.self)
        setStructuredErrorFunc = try function("xmlSetStructuredErrorFunc", as: autoconf_xmlSetStructuredErrorFunc_fn.self)
        ctxtReadMemory = try function("xmlCtxtReadMemory", as: autoconf_xmlCtxtReadMemory_fn.self)
        ctxtGetLastError = try function("xmlCtxtGetLastError", as: autoconf_xmlCtxtGetLastError_fn.self)
        freeDoc = try function("xmlFreeDoc", as: autoconf_xmlFreeDoc_fn.self)
        docGetRootElement = try function("xmlDocGetRootElement", as: autoconf_xmlDocGetRootElement_fn.self)
        getLineNo = try function("xmlGetLineNo", as: autoconf_xmlGetLineNo_fn.self)
        newDoc = try function("xmlNewDoc", as: autoconf_xmlNewDoc_fn.self)
        newNode = try function("xmlNewNode", as: autoconf_xmlNewNode_fn.self)
        newProp = try function("xmlNewProp", as: autoconf_xmlNewProp_fn.self)
        nodeAddContent = try function("xmlNodeAddContent", as: autoconf_xmlNodeAddContent_fn.self)
        addChild = try function("xmlAddChild", as: autoconf_xmlAddChild_fn.self)
        docSetRootElement = try function("xmlDocSetRootElement", as: autoconf_xmlDocSetRootElement_fn.self)
        docDumpFormatMemoryEnc = try function("xmlDocDumpFormatMemoryEnc", as: autoconf_xmlDocDumpFormatMemoryEnc_fn.self)
        validateNCName = try function("xmlValidateNCName", as: autoconf_xmlValidateNCName_fn.self)
    }
}
