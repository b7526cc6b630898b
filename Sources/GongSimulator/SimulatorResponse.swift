/// What the server should do with a request.
enum SimulatorResponse: Sendable {
    /// Answer with `status`, a JSON body and extra headers.
    case json(status: Int, body: String, headers: [(String, String)])
    /// Close the connection without answering (a response lost after the commit).
    case drop
    /// Answer as an edge (load balancer, proxy) does: any content type, maybe an empty body.
    case raw(status: Int, contentType: String?, body: String)
}
