import Foundation
import GongSpoolCore
import Testing

@Suite struct NeverSendPolicyTests {
    func policy(numbers: [String] = [], extensions: [String] = [], countryCode: String? = nil) -> NeverSendPolicy {
        var settings = PrivacySettings()
        settings.neverSend.numbers = numbers
        settings.neverSend.extensions = extensions
        settings.countryCode = countryCode
        return NeverSendPolicy(settings)
    }

    @Test(arguments: ["+1 (555) 123-0000", "15551230000", "+15551230000", "0015551230000", "+1.555.123.0000"])
    func aNumberMatchesWhateverItsFormatting(party: String) {
        let rule = policy(numbers: ["+1 (555) 123-0000"]).match(numbers: [party])
        #expect(rule?.name == "privacy.neverSend.numbers \"+1 (555) 123-0000\"")
    }

    @Test func nationalFormsMatchOnlyWithTheCountryCode() {
        #expect(policy(numbers: ["+15551230000"]).match(numbers: ["555-123-0000"]) == nil)
        #expect(policy(numbers: ["+15551230000"], countryCode: "1").match(numbers: ["555-123-0000"]) != nil)
        // A rule written nationally matches the international form.
        #expect(policy(numbers: ["(555) 123-0000"], countryCode: "1").match(numbers: ["+1 555 123 0000"]) != nil)
        // A trunk 0: 020 7946 0000 in the UK is +44 20 7946 0000.
        #expect(policy(numbers: ["+44 20 7946 0000"], countryCode: "44").match(numbers: ["020 7946 0000"]) != nil)
        #expect(policy(numbers: ["+44 20 7946 0000"], countryCode: "1").match(numbers: ["020 7946 0000"]) == nil)
    }

    @Test func otherNumbersAndShortOnesDoNotMatch() {
        let p = policy(numbers: ["+15551230000"], countryCode: "1")
        #expect(p.match(numbers: ["+15551230001", "5551230001", "", "x", "12"]) == nil)
        #expect(p.match(numbers: [], pbxValues: ["204"]) == nil)
        #expect(policy().match(numbers: ["+15551230000"], pbxValues: ["204"]) == nil && policy().isEmpty)
    }

    @Test func anExtensionMatchesThePBXSideOnly() {
        let p = policy(extensions: ["205", "HR-Line"])
        #expect(p.match(numbers: [], pbxValues: ["205"])?.name == "privacy.neverSend.extensions \"205\"")
        #expect(p.match(numbers: [], pbxValues: ["hr-line"]) != nil, "names compare without case")
        #expect(p.match(numbers: [], pbxValues: ["2050", "5552051234"]) == nil)
        // A customer's number that happens to be 205 digits-wise is not the extension.
        #expect(p.match(numbers: ["205"]) == nil)
        // A PBX value that is a full number matches a number rule.
        #expect(policy(numbers: ["+15551230000"]).match(numbers: [], pbxValues: ["15551230000"]) != nil)
    }

    @Test func theConfigurationRefusesWhatIsNotANumberOrACountryCode() {
        let yaml = """
            privacy:
              neverSend:
                numbers: ["+1 555 123 0000", "12"]
                extensions: [" "]
              countryCode: "+1"
              excludedFiles: shred
            """
        #expect {
            try ConfigurationLoader.parse(yaml: yaml)
        } throws: { error in
            let text = "\(error)"
            return text.contains("privacy.excludedFiles") || text.contains("privacy.neverSend.numbers")
        }
        let fine = try? ConfigurationLoader.parse(
            yaml:
                "privacy:\n  neverSend:\n    numbers: [15551230000, \"+44 20 7946 0000\"]\n    extensions: [205]\n  countryCode: 1\n  excludedFiles: delete\n"
        )
        #expect(fine?.privacy.neverSend.numbers == ["15551230000", "+44 20 7946 0000"] && fine?.privacy.neverSend.extensions == ["205"])
        #expect(fine?.privacy.countryCode == "1" && fine?.privacy.excludedFiles == .delete)
    }

    @Test func erasuresExtendTheListAndAreNamedByTheirAuditNumberOnly() {
        var phone = ErasureRecord(subject: .phone("+15557770001"), requestedAt: Date(), command: "gongspool erase", requestedBy: "root@pbx")
        phone.id = 3
        var email = ErasureRecord(subject: .email("someone@example.com"), requestedAt: Date(), command: "gongspool erase", requestedBy: "root@pbx")
        email.id = 4
        let p = policy(countryCode: "1").adding([phone, email])
        #expect(p.match(numbers: ["(555) 777-0001"])?.name == "an erasure on request (gongspool audit #3)")
        #expect(p.match(numbers: [], emails: ["Someone@Example.COM "])?.name == "an erasure on request (gongspool audit #4)")
        #expect(p.match(numbers: ["+15557770002"], emails: ["other@example.com"]) == nil && !p.isEmpty)
    }

    @Test func gongIsGivenTheInternationalFormOrNothing() {
        #expect(NeverSendPolicy.international("+1 (555) 777-0001", countryCode: nil) == "+15557770001")
        #expect(NeverSendPolicy.international("0044 20 7946 0000", countryCode: nil) == "+442079460000")
        #expect(NeverSendPolicy.international("020 7946 0000", countryCode: "44") == "+442079460000")
        #expect(NeverSendPolicy.international("555 777 0001", countryCode: nil) == nil, "national without a country code")
        #expect(NeverSendPolicy.international("+1 555", countryCode: nil) == nil, "too short for a number")
    }

    @Test func theMatcherFindsTheNumberInPartiesFileNamesAndARawSidecar() {
        let matcher = ErasureMatcher(.phone("+15557770001"), countryCode: "1")
        var built = Recording(stem: "2026/11/a", now: Date())
        built.requestJSON = #"{"parties":[{"phoneNumber":"(555) 777-0001"}]}"#
        #expect(matcher.matches(built, sidecarText: { nil }))
        built.requestJSON = #"{"parties":[{"phoneNumber":"+15557770002"}]}"#
        #expect(!matcher.matches(built, sidecarText: { "+15557770001" }), "a built request is judged by its parties, not its sidecar")
        let freePBX = Recording(stem: "2026/11/out-5557770001-200-20261122-101500-1795342500.1", now: Date())
        #expect(matcher.matches(freePBX, sidecarText: { nil }))
        let unbuilt = Recording(stem: "2026/11/d", now: Date())
        #expect(matcher.matches(unbuilt, sidecarText: { #"{"parties": [{"phoneNumber": "+1 555 777 0001""# }))
        #expect(!matcher.matches(unbuilt, sidecarText: { "call 20261122 from 555 777 0002 at 1015" }))
        let byAddress = ErasureMatcher(.email("someone@example.com"), countryCode: nil)
        #expect(byAddress.matches(unbuilt, sidecarText: { "<email>SOMEONE@example.com</email>" }))
    }
}
