import AsyncHTTPClient
import Foundation
import GongSpoolCore
import GongSpoolHTTP
import Logging

/// Uploads one file through GongSpool's real client (create call, then streamed media PUT)
/// and prints `bytes seconds status`. Used by `Benchmarks/upload.sh`, which measures peak RSS.
@main
enum UploadBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: upload-bench BASE_URL FILE\n".utf8))
            exit(64)
        }
        let url = URL(fileURLWithPath: arguments[2])
        var settings = GongSettings()
        settings.baseURL = arguments[1]
        settings.readTimeoutSeconds = 600
        let credentials = Credentials(accessKey: "simulator-key", accessKeySecret: "simulator-secret", source: "bench")
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(settings))
        let client = GongClient(
            http: http, endpoint: try GongEndpoint(baseURL: settings.baseURL), credentials: credentials,
            settings: settings, logger: Logger(label: "bench"))
        let body =
            #"{"clientUniqueId":"bench:\#(UUID().uuidString)","actualStart":"2026-11-22T10:00:00Z","direction":"Inbound","primaryUser":"1","parties":[{"userId":"1"}]}"#
        guard case .created(let callId) = ResponseClassifier.classify(await client.createCall(body: body), kind: .createCall, now: Date()) else {
            FileHandle.standardError.write(Data("create failed\n".utf8))
            exit(1)
        }
        let file = try SpoolFile(root: url.deletingLastPathComponent().path, relativePath: url.lastPathComponent)
        let start = ContinuousClock.now
        let reply = await client.uploadMedia(callId: callId, file: file, filename: url.lastPathComponent, kind: .wav)
        let elapsed = ContinuousClock.now - start
        try await http.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var status = 0
        if case .http(let code, _, _) = reply { status = code }
        print("\(file.size) \(seconds) \(status)")
    }
}
