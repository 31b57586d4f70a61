/// The network benchmarks (HTTP and DNS sources) each live in their own file; this collects them.
func networkBenchmarks() async -> [(name: String, value: String, target: String)] {
    await runHTTPBenchmark() + runDNSBenchmark()
}
