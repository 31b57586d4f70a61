import Foundation

/// The provider file many tests serve for `domain`: IMAP on `imapPort` (SSL) and SMTP on 465,
/// hosts `imap.DOMAIN`/`smtp.DOMAIN`, the address as username.
public func sslProviderFile(_ domain: String, imapPort: Int = 993) -> String {
    """
    <clientConfig version="1.1"><emailProvider id="\(domain)"><domain>\(domain)</domain>
      <incomingServer type="imap"><hostname>imap.\(domain)</hostname><port>\(imapPort)</port><socketType>SSL</socketType>
        <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.\(domain)</hostname><port>465</port><socketType>SSL</socketType>
        <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
    </emailProvider></clientConfig>
    """
}
