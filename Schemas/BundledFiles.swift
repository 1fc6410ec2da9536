/// The report schema and the HTML stylesheet, embedded in the binary by SwiftPM
/// (`resources: [.embedInCode(…)]` in Package.swift), so the CLI needs no resource bundle and the
/// files in this directory are the only copies: auditors and tools read the same bytes.
package enum BundledFiles {
    /// `Schemas/slac-report-1.xsd`, the XML schema of compliance reports (docs/reports.md).
    package static var reportSchema: [UInt8] { PackageResources.slac_report_1_xsd }
    /// `Schemas/slac-report-html.xsl`, the stylesheet of the auditor's HTML page.
    package static var reportStylesheet: [UInt8] { PackageResources.slac_report_html_xsl }
}
