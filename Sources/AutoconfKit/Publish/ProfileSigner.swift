#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs Apple configuration profiles (CMS SignedData, content attached, DER), as Apple devices
/// show them "Verified", with the system's OpenSSL (libcrypto, loaded at first use like the
/// rest of OpenSSL). The certificate file may carry the chain after the signing certificate; the
/// chain is embedded so a device can build the path to its root. Keys and certificates are read
/// once, checked to belong together, and shared read-only between requests (OpenSSL 3 objects
/// are reference-counted atomically).
package final class ProfileSigner: @unchecked Sendable {  // immutable after init
    package struct SignError: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    private let crypto: Crypto
    private let certificate: OpaquePointer
    private let key: OpaquePointer
    private let chain: OpaquePointer

    /// Reads the PEM files; every problem is one line naming the file.
    package init(certificateFile: String, keyFile: String) throws(SignError) {
        let crypto: Crypto
        do { crypto = try Crypto.shared.get() } catch { throw SignError(description: "signing profiles: \(error.description)") }
        self.crypto = crypto
        guard let certificatePEM = FileManager.default.contents(atPath: certificateFile) else { throw SignError(description: "--sign-cert \(certificateFile): cannot read the file") }
        guard let keyPEM = FileManager.default.contents(atPath: keyFile) else { throw SignError(description: "--sign-key \(keyFile): cannot read the file") }
        var certificates = crypto.certificates(Array(certificatePEM))
        guard !certificates.isEmpty else { throw SignError(description: "--sign-cert \(certificateFile): no PEM certificate in the file") }
        guard let key = crypto.privateKey(Array(keyPEM)) else {
            certificates.forEach(crypto.x509Free)
            throw SignError(description: "--sign-key \(keyFile): no unencrypted PEM private key in the file")
        }
        let signer = certificates.removeFirst()
        guard crypto.checkPrivateKey(signer, key) == 1 else {
            crypto.x509Free(signer)
            certificates.forEach(crypto.x509Free)
            crypto.keyFree(key)
            crypto.clearErrors()
            throw SignError(description: "--sign-key \(keyFile) is not the key of the certificate in \(certificateFile)")
        }
        let chain = crypto.stackNew()!
        for certificate in certificates { _ = crypto.stackPush(chain, UnsafeMutableRawPointer(certificate)) }
        self.certificate = signer
        self.key = key
        self.chain = chain
    }

    deinit {
        crypto.x509Free(certificate)
        crypto.keyFree(key)
        while let item = crypto.stackPop(chain) { crypto.x509Free(OpaquePointer(item)) }
        crypto.stackFree(chain)
    }

    /// The DER-encoded signed profile, or nil when OpenSSL refuses (reported by the caller).
    package func sign(_ profile: [UInt8]) -> [UInt8]? {
        guard let input = profile.withUnsafeBytes({ crypto.bioNewMemBuf($0.baseAddress, Int32($0.count)) }) else { return nil }
        defer { _ = crypto.bioFree(input) }
        guard let signed = crypto.cmsSign(certificate, key, chain, input, Crypto.cmsBinary) else {
            crypto.clearErrors()
            return nil
        }
        defer { crypto.cmsFree(signed) }
        guard let output = crypto.bioNew(crypto.bioMemMethod()) else { return nil }
        defer { _ = crypto.bioFree(output) }
        guard crypto.i2dCMSBio(output, signed) == 1 else {
            crypto.clearErrors()
            return nil
        }
        var pointer: UnsafeMutableRawPointer?
        let length = crypto.bioCtrl(output, Crypto.bioCtrlInfo, 0, &pointer)
        guard length > 0, let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}

/// The libcrypto functions profile signing needs, resolved once.
private struct Crypto: @unchecked Sendable {
    typealias BIONewMemBuf = @convention(c) (UnsafeRawPointer?, Int32) -> OpaquePointer?
    typealias BIONew = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias BIOMethod = @convention(c) () -> OpaquePointer?
    typealias BIOFree = @convention(c) (OpaquePointer?) -> Int32
    typealias BIOCtrl = @convention(c) (OpaquePointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    typealias PEMReadX509 = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> OpaquePointer?
    typealias Free = @convention(c) (OpaquePointer?) -> Void
    typealias CheckKey = @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
    typealias StackNew = @convention(c) () -> OpaquePointer?
    typealias StackPush = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32
    typealias StackPop = @convention(c) (OpaquePointer?) -> UnsafeMutableRawPointer?
    typealias CMSSign = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?, UInt32) -> OpaquePointer?
    typealias I2DCMSBio = @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
    typealias ClearErrors = @convention(c) () -> Void

    static let cmsBinary: UInt32 = 0x80  // CMS_BINARY: sign the bytes as they are
    static let bioCtrlInfo: Int32 = 3  // BIO_CTRL_INFO: BIO_get_mem_data

    let bioNewMemBuf: BIONewMemBuf
    let bioNew: BIONew
    let bioMemMethod: BIOMethod
    let bioFree: BIOFree
    let bioCtrl: BIOCtrl
    let readX509: PEMReadX509
    let readKey: PEMReadX509
    let x509Free: Free
    let keyFree: Free
    let checkPrivateKey: CheckKey
    let stackNew: StackNew
    let stackPush: StackPush
    let stackPop: StackPop
    let stackFree: Free
    let cmsSign: CMSSign
    let i2dCMSBio: I2DCMSBio
    let cmsFree: Free
    let clearErrors: ClearErrors

    static let shared: Result<Crypto, LoadedLibrary.LoadError> = Result { () throws(LoadedLibrary.LoadError) -> Crypto in try Crypto() }

    private init() throws(LoadedLibrary.LoadError) {
        let library = try LoadedLibrary(soname: "libcrypto.so.3", displayName: "OpenSSL", package: "libssl3")
        func function<T>(_ name: String, as type: T.Type) throws(LoadedLibrary.LoadError) -> T { try library.function(name, as: type) }
        bioNewMemBuf = try function("BIO_new_mem_buf", as: BIONewMemBuf.self)
        bioNew = try function("BIO_new", as: BIONew.self)
        bioMemMethod = try function("BIO_s_mem", as: BIOMethod.self)
        bioFree = try function("BIO_free", as: BIOFree.self)
        bioCtrl = try function("BIO_ctrl", as: BIOCtrl.self)
        readX509 = try function("PEM_read_bio_X509", as: PEMReadX509.self)
        readKey = try function("PEM_read_bio_PrivateKey", as: PEMReadX509.self)
        x509Free = try function("X509_free", as: Free.self)
        keyFree = try function("EVP_PKEY_free", as: Free.self)
        checkPrivateKey = try function("X509_check_private_key", as: CheckKey.self)
        stackNew = try function("OPENSSL_sk_new_null", as: StackNew.self)
        stackPush = try function("OPENSSL_sk_push", as: StackPush.self)
        stackPop = try function("OPENSSL_sk_pop", as: StackPop.self)
        stackFree = try function("OPENSSL_sk_free", as: Free.self)
        cmsSign = try function("CMS_sign", as: CMSSign.self)
        i2dCMSBio = try function("i2d_CMS_bio", as: I2DCMSBio.self)
        cmsFree = try function("CMS_ContentInfo_free", as: Free.self)
        clearErrors = try function("ERR_clear_error", as: ClearErrors.self)
    }

    /// Every certificate of a PEM text, in order.
    func certificates(_ pem: [UInt8]) -> [OpaquePointer] {
        guard let bio = pem.withUnsafeBytes({ bioNewMemBuf($0.baseAddress, Int32($0.count)) }) else { return [] }
        defer { _ = bioFree(bio) }
        var result: [OpaquePointer] = []
        while result.count < 16, let certificate = readX509(bio, nil, nil, nil) { result.append(certificate) }
        clearErrors()  // the read past the last certificate leaves "no start line" queued
        return result
    }

    func privateKey(_ pem: [UInt8]) -> OpaquePointer? {
        guard let bio = pem.withUnsafeBytes({ bioNewMemBuf($0.baseAddress, Int32($0.count)) }) else { return nil }
        defer { _ = bioFree(bio) }
        // A NULL passphrase callback with NULL user data would prompt on the terminal for an
        // encrypted key; an empty passphrase makes that a plain failure instead.
        let key = "".withCString { readKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0)) }
        clearErrors()
        return key
    }
}
