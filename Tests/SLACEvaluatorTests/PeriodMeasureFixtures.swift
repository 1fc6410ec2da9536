import Foundation

/// Contracts and traces of the hand-computed period-measure tests (PeriodMeasureTests.swift),
/// with the figures worked out by hand in the comments.
enum PeriodMeasureFixtures {
    static let minute: Int64 = 60_000_000_000

    /// One JSON Lines record.
    static func line(_ id: String, _ ts: Int64, region: String? = nil, status: String = "ok", input: Int? = nil, output: Int? = nil) -> String {
        var fields = ["\"id\":\"\(id)\"", "\"ts\":\"\(isoUTC(ts))\""]
        if let region { fields.append("\"region\":\"\(region)\"") }
        fields.append("\"status\":\"\(status)\"")
        if let input { fields.append("\"input_tokens\":\(input)") }
        if let output { fields.append("\"output_tokens\":\(output)") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    // MARK: (a) the public error-rate SLA: a mean of five-minute values per calendar month

    static func errorRateContract(term: String) -> String {
        """
        contract "Error-rate uptime" {
            effective \(term)
            timezone  "UTC"
            price     0.60 USD per 1M input_tokens
            price     2.40 USD per 1M output_tokens
            clause "2.1" region_uptime {
                every     5 minutes per region
                value     share(status not in ["error:500", "error:503"])
                empty     100%
                measure   mean per calendar month
                objective measure >= 99.9%
                credit    10% of charges when measure < 99.9%
                credit    25% of charges when measure < 99%
                credit    100% of charges when measure < 95%
            }
        }
        """
    }

    /// Region `eu-west-1`: 20 requests with one `error:500` in every tenth 5-minute interval of
    /// the month starting at `monthStart` (`intervals` long), nothing else. Every record has 500
    /// output tokens and 995 input tokens, except the first 3600 records (994). Region
    /// `us-east-1`: one good request with 1M input tokens on the month's 3rd day.
    static func errorRateTrace(monthStart: Int64, intervals: Int) -> [String] {
        var lines: [String] = []
        var n = 0
        for k in stride(from: 0, to: intervals, by: 10) {
            let start = monthStart + Int64(k) * 5 * minute
            for j in 0..<20 {
                lines.append(line("r\(n)", start + Int64(j) * 7_000_000_000, region: "eu-west-1", status: j == 13 ? "error:500" : "ok",
                                  input: n < 3600 ? 994 : 995, output: 500))
                n += 1
            }
        }
        lines.append(line("us", monthStart + 2 * 1440 * minute + 17 * minute, region: "us-east-1", input: 1_000_000, output: 0))
        return lines
    }

    // MARK: (b) the public downtime-minutes SLA: uptime with downtime after 5 breached minutes

    static func downtimeContract(term: String, maintenance: [String] = []) -> String {
        """
        contract "Downtime minutes" {
            effective \(term)
            timezone  "UTC"
            fee       20000.00 USD per month
        \(maintenance.map { "    exclude maintenance from \($0)" }.joined(separator: "\n"))
            clause "2.2" downtime {
                every     1 minute per region
                require   share(status not in ["error:500", "error:503"]) >= 95%
                empty     met
                downtime  after 5 consecutive breached windows
                measure   uptime per calendar month
                objective measure >= 99.95%
                credit    10% of fee when measure < 99.95%
                credit    30% of fee when measure < 99%
            }
        }
        """
    }

    /// Ten requests, two of them `error:503` (80% good: breached), in each of `minutes` minutes
    /// from `start`, in `region`.
    static func burst(_ region: String, from start: Int64, minutes: Int, tag: String) -> [String] {
        var lines: [String] = []
        for m in 0..<minutes {
            for j in 0..<10 {
                lines.append(line("\(tag)-\(m)-\(j)", start + Int64(m) * minute + Int64(j) * 3_000_000_000, region: region,
                                  status: j < 2 ? "error:503" : "ok"))
            }
        }
        return lines
    }

    /// Ten good requests in the minute at `start`.
    static func goodMinute(_ region: String, at start: Int64, tag: String) -> [String] {
        (0..<10).map { line("\(tag)-\($0)", start + Int64($0) * 3_000_000_000, region: region) }
    }

    // MARK: (c) a 5-minute grid over the 25-hour day of the autumn change in Berlin

    static let berlinDSTContract = """
        contract "Berlin autumn day" {
            effective 2026-10-25 to 2026-10-26
            timezone  "Europe/Berlin"
            clause "1" day_mean {
                every     5 minutes
                value     share(status = "ok")
                empty     100%
                measure   mean per term
                objective measure >= 99.9%
            }
            clause "2" day_uptime {
                every     5 minutes
                require   share(status = "ok") >= 90%
                measure   uptime per term
                objective measure >= 99.9%
            }
        }
        """

    // MARK: (d) calendar quarters in New York

    static let quarterContract = """
        contract "Quarters" {
            effective 2026-01-01 to 2027-01-01
            timezone  "America/New_York"
            price     1 USD per 1k total_tokens
            clause "1" quarterly_uptime {
                every     1 hour per region
                require   share(status = "ok") >= 95%
                measure   uptime per calendar quarter
                objective measure >= 99.9%
                credit    5% of charges when measure < 99.9%
                credit    50% of charges when measure < 50%
            }
            clause "2" quarters_of_the_year {
                every     calendar quarter
                require   count >= 1 requests
                empty     breached
                measure   attainment per calendar year
                objective measure >= 50%
            }
            clause "3" quarterly_windows {
                every     calendar day
                require   count >= 1 requests
                objective 100% of windows per calendar quarter
            }
        }
        """
}
