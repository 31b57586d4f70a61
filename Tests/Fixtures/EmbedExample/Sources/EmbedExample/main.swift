// Package.swift: .package(url: "https://github.com/…/autoconf", from: "0.1.0"),
//                .product(name: "AutoconfKit", package: "autoconf")
import AutoconfKit

let autoconf = Autoconf(options: AutoconfOptions(timeout: .seconds(5)))
let result = try await autoconf.lookup("someone@gmail.com") { event in print(event) }  // trace is optional
if let best = result.best {
    let imap = best.configuration.incoming.first!
    print(imap.hostname!, imap.port!, imap.socketType!, best.trust.level)
    if best.trust.level == .confirm { /* show the servers and their registrable domains, ask the user */ }
} else if let unsupported = result.unsupported {
    print(unsupported.explanation)
}
print(LookupJSON.encode(result))   // the CLI's JSON
