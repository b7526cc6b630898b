/// What the server should do with a request.
enum SimulatorResponse: Sendable {
    /// Answer with `status`, a JSON body and extra headers.
    case json(status: Int, body: String, headers: [(String, String)])
    /// Close the connection without answering (a response lost after the commit).
    case drop
}
