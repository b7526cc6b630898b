/// A Gong user as GongSpool knows it: from Gong's user list, or only an id from the table.
public struct DirectoryUser: Sendable, Equatable {
    /// Gong user id (numeric string).
    public var id: String
    /// E-mail address.
    public var emailAddress: String?
    /// Phone number as Gong has it.
    public var phoneNumber: String?
    /// PBX extension as Gong has it.
    public var phoneExtension: String?
    /// Full name.
    public var name: String?
    /// Whether the user is active in Gong (`nil`: unknown).
    public var active: Bool?
    /// Gong's `settings.telephonyCallsImported` (`nil`: unknown).
    public var telephonyCallsImported: Bool?

    /// A user.
    public init(
        id: String, emailAddress: String? = nil, phoneNumber: String? = nil, phoneExtension: String? = nil,
        name: String? = nil, active: Bool? = nil, telephonyCallsImported: Bool? = nil
    ) {
        self.id = id
        self.emailAddress = emailAddress
        self.phoneNumber = phoneNumber
        self.phoneExtension = phoneExtension
        self.name = name
        self.active = active
        self.telephonyCallsImported = telephonyCallsImported
    }

    /// Why Gong would refuse calls for this user (checked before any request is spent).
    public var importRefusal: String? {
        let label = emailAddress.map { "\(id) (\($0))" } ?? id
        if telephonyCallsImported == false {
            return "Gong user \(label) does not have telephony call import enabled (Gong: Admin → Team members → Data capture → Telephony calls)"
        }
        if active == false {
            return "Gong user \(label) is inactive in Gong"
        }
        return nil
    }
}
