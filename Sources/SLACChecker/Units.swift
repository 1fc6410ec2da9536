import SLACExact

/// The dimension of a metric, aggregate or literal (docs/language.md, "Units and numbers"). Two values can be compared only when
/// their dimensions agree; units within a dimension convert automatically.
package enum Dimension: String, Sendable, Hashable, CaseIterable {
    case duration, tokens, requests
    case tokenRate = "token rate"
    case requestRate = "request rate"
    case ratio, money, energy, text, instant, boolean

    /// The canonical unit that checked values and reports use.
    package var canonicalUnit: String {
        switch self {
        case .duration: "ms"
        case .tokens: "tokens"
        case .requests: "requests"
        case .tokenRate: "tokens/s"
        case .requestRate: "requests/s"
        case .ratio: "ratio"
        case .money: "money"
        case .energy: "J"
        case .text: "text"
        case .instant: "instant"
        case .boolean: "boolean"
        }
    }

    /// The dimension with its article, for messages (`the bound must be a token count`).
    package var phrase: String {
        switch self {
        case .duration: "a duration"
        case .tokens: "a token count"
        case .requests: "a request count"
        case .tokenRate: "a token rate"
        case .requestRate: "a request rate"
        case .ratio: "a ratio"
        case .money: "an amount of money"
        case .energy: "an amount of energy"
        case .text: "text"
        case .instant: "an instant"
        case .boolean: "a condition"
        }
    }

    /// A unit to suggest in help text (`write \`800 ms\``).
    package var exampleUnit: String {
        switch self {
        case .duration: "ms"
        case .tokens: "tokens"
        case .requests: "requests"
        case .tokenRate: "tokens/s"
        case .requestRate: "requests/min"
        case .ratio: "%"
        case .money: "USD"
        case .energy: "kWh"
        default: ""
        }
    }
}

/// A unit spelling and its exact factor to the dimension's canonical unit.
package struct UnitDefinition: Sendable, Hashable {
    package var dimension: Dimension
    /// canonical value = written value × factor.
    package var factor: Rational
}

/// Every unit spelling of docs/language.md, "Units and numbers", resolved exactly.
package enum UnitTable {
    private static let second = Rational(1000)
    private static let minute = Rational(60_000)
    private static let hour = Rational(3_600_000)
    private static let day = Rational(86_400_000)

    package static let units: [String: UnitDefinition] = {
        var table: [String: UnitDefinition] = [:]
        func add(_ names: [String], _ dimension: Dimension, _ factor: Rational) {
            for n in names { table[n] = UnitDefinition(dimension: dimension, factor: factor) }
        }
        add(["ns"], .duration, Rational(1, 1_000_000))
        add(["us"], .duration, Rational(1, 1000))
        add(["ms"], .duration, .one)
        add(["s", "second", "seconds"], .duration, second)
        add(["min", "minute", "minutes"], .duration, minute)
        add(["h", "hour", "hours"], .duration, hour)
        add(["day", "days"], .duration, day)
        add(["token", "tokens"], .tokens, .one)
        add(["request", "requests"], .requests, .one)
        add(["tokens/s", "token/s"], .tokenRate, .one)
        add(["tokens/min", "token/min"], .tokenRate, Rational(1, 60))
        add(["tokens/h", "token/h"], .tokenRate, Rational(1, 3600))
        add(["requests/s", "request/s"], .requestRate, .one)
        add(["requests/min", "request/min"], .requestRate, Rational(1, 60))
        add(["requests/h", "request/h"], .requestRate, Rational(1, 3600))
        add(["%"], .ratio, Rational(1, 100))
        add(["J"], .energy, .one)
        add(["kJ"], .energy, Rational(1000))
        add(["Wh"], .energy, Rational(3600))
        add(["kWh"], .energy, Rational(3_600_000))
        return table
    }()

    /// Spellings in a stable order, for did-you-mean suggestions.
    package static var spellings: [String] { units.keys.sorted() }
}

/// ISO 4217 currency codes and their minor units (decimal places), which fix how a fee, charges
/// and credits are rounded. The codes are ISO 4217's list one (from Debian's iso-codes 4.15, with
/// XCG and ZWG, added in 2024), less the codes of metals, funds and testing (XAU, XDR, XTS, …),
/// which are no money a fee is paid in. A code outside the list is refused (`SLA0315`): with the
/// usual two decimals assumed for it, a credit in a currency without decimals (BIF, XPF, …) would
/// have been rounded to cents that do not exist.
package enum CurrencyTable {
    /// An ISO 4217 code of a currency: what the checker and plan validation accept.
    package static func isCode(_ code: String) -> Bool { codes.contains(code) }

    static let codes: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
        "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
        "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF",
        "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
        "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
        "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
        "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
        "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
        "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST",
        "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
    ]

    /// The codes whose minor unit is not two decimal places.
    static let minorUnits: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]
    package static func minorUnitDigits(_ code: String) -> Int { minorUnits[code] ?? 2 }
}
