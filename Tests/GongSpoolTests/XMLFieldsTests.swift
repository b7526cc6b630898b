import Foundation
import Testing

@testable import GongSpoolCore

/// XML sidecars, read by GongSpool's own strict reader (FoundationXML crashed on crafted ones).
@Suite struct XMLFieldsTests {
    func fields(_ text: String) throws -> [String: String] {
        try SidecarReader.fields(Data(text.utf8), format: .xml)
    }

    @Test func elementsAttributesTextAndReferences() throws {
        let read = try fields(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a PBX -->
            <recording id="1754121674.3" kind='in\tbound'>
              <start>2026-11-22T10:15:00</start>
              <from name="A &amp; B &#x263A;">5551234567</from>
              <to><![CDATA[<204>]]></to>
              <note>first</note><note>second</note>
              <empty/><a:b xmlns:a="urn:x">ns</a:b>
              mixed<inner>x</inner>tail
            </recording>
            """)
        #expect(read["sidecar.recording.@id"] == "1754121674.3")
        #expect(read["sidecar.recording.@kind"] == "in bound", "attribute white space normalised")
        #expect(read["sidecar.recording.start"] == "2026-11-22T10:15:00")
        #expect(read["sidecar.recording.from"] == "5551234567")
        #expect(read["sidecar.recording.from.@name"] == "A & B ☺")
        #expect(read["sidecar.recording.to"] == "<204>")
        #expect(read["sidecar.recording.note"] == "first", "the first occurrence wins")
        #expect(read["sidecar.recording.empty"] == nil)
        #expect(read["sidecar.recording.a:b"] == "ns")
        #expect(read["sidecar.recording.inner"] == "x")
        #expect(read["sidecar.recording"] == "tail", "an element's text is what follows its last child")
    }

    @Test(arguments: [
        ("<r><a></r>", "</r> closes <a>"),
        ("<r>", "document ends inside <r>"),
        ("<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>", "DOCTYPE"),
        ("<r>&e;</r>", "unknown reference &e;"),
        ("<r a=1/>", "not quoted"),
        ("<r a='1' a='2'/>", "given twice"),
        ("<r/><s/>", "content after the root element"),
        ("text", "text outside the root element"),
        ("", "no root element"),
        ("<?xml?><r><?x?></r>", ""),
        ("<r>&#0;</r>", "unknown reference"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", "only UTF-8 is read"),
    ])
    func brokenOrRefusedDocumentsAreErrorsNotCrashes(text: String, expected: String) {
        do throws(SidecarReader.Failure) {
            _ = try SidecarReader.fields(Data(text.utf8), format: .xml)
            #expect(expected.isEmpty, "\(text) was read")
        } catch {
            #expect(!expected.isEmpty && error.description.contains(expected), "\(text): \(error.description)")
        }
    }

    @Test func deepNestingIsRefusedWithoutRecursion() {
        let deep = String(repeating: "<a>", count: 100_000)
        #expect(throws: SidecarReader.Failure.self) { _ = try fields(deep) }
    }

    @Test func nonUTF8IsRefusedWithItsOffset() {
        #expect(throws: SidecarReader.Failure(description: "XML sidecar is not UTF-8 (first bad byte near offset 2)")) {
            _ = try SidecarReader.fields(Data([0x3C, 0x72, 0xDB, 0x3E]), format: .xml)
        }
    }
}
