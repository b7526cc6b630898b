import Foundation
import Testing

@testable import GongSpoolCore

/// Gong's list of what it holds of a person: the calls it lists, those being deleted, the rest.
@Suite struct GongPrivacyDataTests {
    @Test func gongsListIsRead() {
        let deleting = GongPrivacyData(
            body: #"{"requestId":"r1","calls":[{"id":"1","status":"PURGE_REQUESTED"},{"id":"2","status":"COMPLETED"}],"emails":[{}],"meetings":[]}"#)
        #expect(deleting == .listed(calls: 2, beingDeleted: 1, otherReferences: 1, requestId: "r1"))
        #expect(!deleting.noCalls)
        #expect(deleting.description.contains("2 calls still listed, 1 being deleted") && deleting.description.contains("erase again if they stay"))
        #expect(deleting.description.contains("1 other reference (email, meetings, CRM data: not from GongSpool)"))
        // Fields Gong leaves out when empty are empty lists.
        let gone = GongPrivacyData(body: #"{"requestId":"r2"}"#)
        #expect(gone == .listed(calls: 0, beingDeleted: 0, otherReferences: 0, requestId: "r2") && gone.noCalls)
        #expect(gone.description == "no call listed: the erasure of the calls is complete")
    }

    /// An answer that is not Gong's list (an HTML page, an array) proves nothing.
    @Test(arguments: ["<html>502 Bad Gateway</html>", "[]", ""])
    func anythingElseProvesNothing(_ body: String) {
        let answer = GongPrivacyData(body: body)
        #expect(!answer.noCalls)
        guard case .failed(let message) = answer else {
            Issue.record("\(answer)")
            return
        }
        #expect(message.hasPrefix("the answer is not Gong's list of references"))
    }
}
