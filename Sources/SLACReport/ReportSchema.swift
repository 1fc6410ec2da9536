// Generated from Schemas/slac-report-1.xsd; do not edit. After changing the schema run
// `SLAC_RECORD=1 swift test --filter SLACReportTests`, which rewrites this file; the tests check
// that the two stay identical byte for byte.

/// The report XSD, embedded so that the CLI and the tests reach it without SwiftPM resources.
enum ReportSchema {
    static let xsd = #"""
<?xml version="1.0" encoding="UTF-8"?>
<!--
  slac compliance report, version 1 (docs/reports.md).

  Strict on the core elements and attributes that tools and auditors read; every element also
  accepts extra attributes (lax), so later versions can add information without breaking readers.
  Only `report` is declared globally, so lax wildcards never validate stray elements against
  the core declarations. An optional trailing `integrity` element (digest, signature) has lax
  content.

  Sources/SLACReport/ReportSchema.swift embeds this file byte for byte; after editing it, run the
  SLACReportTests with SLAC_RECORD=1 in the environment to regenerate the embedded copy.
-->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:r="urn:slac:report:1"
           targetNamespace="urn:slac:report:1"
           elementFormDefault="qualified"
           attributeFormDefault="unqualified"
           version="1">

  <!-- Simple types -->

  <xs:simpleType name="instant">
    <xs:annotation><xs:documentation>An instant in UTC (RFC 3339 with Z).</xs:documentation></xs:annotation>
    <xs:restriction base="xs:dateTime">
      <xs:pattern value=".+Z"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="sha256">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9a-fA-F]{64}"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="traceDigest">
    <xs:union memberTypes="r:sha256">
      <xs:simpleType>
        <xs:restriction base="xs:string">
          <xs:enumeration value="not computed"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:union>
  </xs:simpleType>

  <xs:simpleType name="nonEmptyString">
    <xs:restriction base="xs:string">
      <xs:minLength value="1"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="clauseVerdict">
    <xs:restriction base="xs:string">
      <xs:enumeration value="compliant"/>
      <xs:enumeration value="breached"/>
      <xs:enumeration value="no-data"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="windowVerdict">
    <xs:restriction base="xs:string">
      <xs:enumeration value="met"/>
      <xs:enumeration value="breached"/>
      <xs:enumeration value="insufficient"/>
      <!-- A window of a `value` clause: it has a value, averaged by the period measure. -->
      <xs:enumeration value="valued"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="windowSelection">
    <xs:restriction base="xs:string">
      <xs:enumeration value="all"/>
      <xs:enumeration value="breached"/>
      <xs:enumeration value="none"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="fraction">
    <xs:annotation><xs:documentation>A decimal in [0, 1] (attainment, objective).</xs:documentation></xs:annotation>
    <xs:restriction base="xs:decimal">
      <xs:minInclusive value="0"/>
      <xs:maxInclusive value="1"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="measureKind">
    <xs:restriction base="xs:string">
      <xs:enumeration value="attainment"/>
      <xs:enumeration value="mean"/>
      <xs:enumeration value="uptime"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="comparison">
    <xs:restriction base="xs:string">
      <xs:enumeration value="&lt;"/>
      <xs:enumeration value="&lt;="/>
      <xs:enumeration value="&gt;"/>
      <xs:enumeration value="&gt;="/>
    </xs:restriction>
  </xs:simpleType>

  <!-- Which observed values breach a requirement (optional: reports before it state the
       comparison alone). -->
  <xs:simpleType name="worse">
    <xs:restriction base="xs:string">
      <xs:enumeration value="higher"/>
      <xs:enumeration value="lower"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="creditBase">
    <xs:restriction base="xs:string">
      <xs:enumeration value="fee"/>
      <xs:enumeration value="charges"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="percent">
    <xs:restriction base="xs:decimal">
      <xs:minInclusive value="0"/>
      <xs:maxInclusive value="100"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="money">
    <xs:restriction base="xs:decimal">
      <xs:minInclusive value="0"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="currency">
    <xs:annotation><xs:documentation>An ISO 4217 code.</xs:documentation></xs:annotation>
    <xs:restriction base="xs:string">
      <xs:pattern value="[A-Z]{3}"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="number">
    <xs:annotation><xs:documentation>An observed or evidence value: a decimal, or a shortest
      round-trip binary64 form that may carry an exponent.</xs:documentation></xs:annotation>
    <xs:union memberTypes="xs:decimal xs:double"/>
  </xs:simpleType>

  <!-- Shared complex types -->

  <xs:complexType name="key">
    <xs:annotation><xs:documentation>One `per` field of a group; `value` is absent when the
      records lacked the field.</xs:documentation></xs:annotation>
    <xs:attribute name="field" type="r:nonEmptyString" use="required"/>
    <xs:attribute name="value" type="xs:string"/>
    <xs:anyAttribute processContents="lax"/>
  </xs:complexType>

  <xs:complexType name="exclusion">
    <xs:annotation><xs:documentation>An exclusion of the contract or of a clause: a maintenance
      interval [start, end) or a request condition (`where`, contract text with bounds in canonical
      units), and the records it removed that no exclusion listed before it removed (so the counts
      add up to the records excluded).</xs:documentation></xs:annotation>
    <xs:attribute name="kind" use="required">
      <xs:simpleType>
        <xs:restriction base="xs:string">
          <xs:enumeration value="maintenance"/>
          <xs:enumeration value="requests"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:attribute>
    <xs:attribute name="start" type="r:instant"/>
    <xs:attribute name="end" type="r:instant"/>
    <xs:attribute name="where" type="xs:string"/>
    <xs:attribute name="removed" type="xs:nonNegativeInteger" use="required"/>
    <xs:anyAttribute processContents="lax"/>
  </xs:complexType>

  <xs:complexType name="interval">
    <xs:attribute name="start" type="r:instant" use="required"/>
    <xs:attribute name="end" type="r:instant" use="required"/>
    <xs:anyAttribute processContents="lax"/>
  </xs:complexType>

  <!-- The report -->

  <xs:element name="report">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="contract">
          <xs:complexType>
            <!-- The usage prices and the contract's exclusions with the records each removed. -->
            <xs:sequence>
              <xs:element name="price" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:attribute name="field" type="r:nonEmptyString" use="required"/>
                  <xs:attribute name="per-token" type="r:number" use="required"/>
                  <xs:attribute name="currency" type="r:currency" use="required"/>
                  <xs:attribute name="text" type="xs:string"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>
              <xs:element name="exclusion" type="r:exclusion" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
            <xs:attribute name="name" type="xs:string" use="required"/>
            <xs:attribute name="id" type="xs:string"/>
            <xs:attribute name="version" type="xs:string"/>
            <xs:attribute name="sha256" type="r:sha256" use="required"/>
            <xs:attribute name="timezone" type="r:nonEmptyString"/>
            <xs:attribute name="term-start" type="r:instant"/>
            <xs:attribute name="term-end" type="r:instant"/>
            <!-- The monthly fee in the currency's minor unit, and its currency. -->
            <xs:attribute name="fee" type="r:money"/>
            <xs:attribute name="fee-currency" type="r:currency"/>
            <xs:anyAttribute processContents="lax"/>
          </xs:complexType>
        </xs:element>

        <!-- Set when an engine (DuckDB, Spark) accumulated the windows from SQL slac generated
             (docs/engines.md): its name and the SHA-256 of the script, when slac ran it. -->
        <xs:element name="engine" minOccurs="0">
          <xs:complexType>
            <xs:attribute name="name" type="r:nonEmptyString" use="required"/>
            <xs:attribute name="sql-sha256" type="r:sha256"/>
            <xs:anyAttribute processContents="lax"/>
          </xs:complexType>
        </xs:element>

        <xs:element name="trace" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <!-- With the repeated-id check: the first repeated ids (UTF-8 order). -->
            <xs:sequence>
              <xs:element name="repeated-id" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:attribute name="id" type="xs:string" use="required"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
            <xs:attribute name="path" type="xs:string" use="required"/>
            <xs:attribute name="format" type="r:nonEmptyString" use="required"/>
            <!-- "not computed" when an engine read the trace where slac could not (docs/engines.md). -->
            <xs:attribute name="sha256" type="r:traceDigest" use="required"/>
            <!-- Compressed traces only: the digest of the file as stored; `sha256` is of the content. -->
            <xs:attribute name="file-sha256" type="r:sha256"/>
            <xs:attribute name="read" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="accepted" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="rejected" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="outside-term" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="excluded" type="xs:nonNegativeInteger" use="required"/>
            <!-- The first and last instants of the accepted records. -->
            <xs:attribute name="first-record" type="r:instant"/>
            <xs:attribute name="last-record" type="r:instant"/>
            <!-- With the repeated-id check: accepted records whose id was seen before in the run. -->
            <xs:attribute name="repeated-ids" type="xs:nonNegativeInteger"/>
            <xs:anyAttribute processContents="lax"/>
          </xs:complexType>
        </xs:element>

        <xs:element name="clause" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="text" type="xs:string"/>
              <xs:element name="requirement" type="xs:string"/>

              <!-- The clause's full definition (docs/reports.md, "Clause definition"). -->
              <xs:element name="definition" minOccurs="0">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="tier" minOccurs="0" maxOccurs="unbounded">
                      <xs:complexType>
                        <xs:attribute name="percent" type="r:percent" use="required"/>
                        <xs:attribute name="of" type="r:creditBase" use="required"/>
                        <xs:attribute name="comparison" type="r:comparison" use="required"/>
                        <!-- Exact: a decimal, or a fraction n/d when the decimal does not end. -->
                        <xs:attribute name="threshold" type="r:nonEmptyString" use="required"/>
                        <xs:anyAttribute processContents="lax"/>
                      </xs:complexType>
                    </xs:element>
                    <xs:element name="exclusion" type="r:exclusion" minOccurs="0" maxOccurs="unbounded"/>
                  </xs:sequence>
                  <xs:attribute name="scope" type="xs:string"/>
                  <xs:attribute name="window" type="r:nonEmptyString" use="required"/>
                  <xs:attribute name="window-seconds" type="xs:decimal"/>
                  <xs:attribute name="per" type="xs:string"/>
                  <xs:attribute name="aggregate" type="r:nonEmptyString" use="required"/>
                  <xs:attribute name="comparison" type="xs:string" use="required"/>
                  <xs:attribute name="bound" type="xs:string" use="required"/>
                  <xs:attribute name="unit" type="r:nonEmptyString" use="required"/>
                  <xs:attribute name="worse" type="r:worse"/>
                  <xs:attribute name="minimum" type="xs:nonNegativeInteger" use="required"/>
                  <xs:attribute name="measure" type="r:measureKind" use="required"/>
                  <xs:attribute name="objective-comparison" type="r:comparison" use="required"/>
                  <xs:attribute name="objective" type="xs:string" use="required"/>
                  <xs:attribute name="period" type="r:nonEmptyString" use="required"/>
                  <xs:attribute name="empty" type="xs:string"/>
                  <xs:attribute name="downtime-after" type="xs:positiveInteger"/>
                  <xs:attribute name="valued" type="xs:boolean"/>
                  <xs:attribute name="evidence-metric" type="r:nonEmptyString"/>
                  <xs:attribute name="evidence-unit" type="r:nonEmptyString"/>
                  <xs:attribute name="evidence-comparison" type="r:comparison"/>
                  <xs:attribute name="evidence-bound" type="xs:string"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>

              <!-- In-scope records, their first and last instants, the coverage cell, the covered
                   time (any group, within the term) and its runs. -->
              <xs:element name="coverage" minOccurs="0">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="data" type="r:interval" minOccurs="0" maxOccurs="unbounded"/>
                  </xs:sequence>
                  <xs:attribute name="records" type="xs:nonNegativeInteger" use="required"/>
                  <xs:attribute name="first-record" type="r:instant"/>
                  <xs:attribute name="last-record" type="r:instant"/>
                  <xs:attribute name="cell-seconds" type="xs:decimal" use="required"/>
                  <xs:attribute name="covered-seconds" type="xs:decimal" use="required"/>
                  <xs:attribute name="intervals" type="xs:nonNegativeInteger"/>
                  <xs:attribute name="intervals-omitted" type="xs:positiveInteger"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>

              <xs:element name="period" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="key" type="r:key" minOccurs="0" maxOccurs="unbounded"/>
                  </xs:sequence>
                  <xs:attribute name="start" type="r:instant" use="required"/>
                  <xs:attribute name="end" type="r:instant" use="required"/>
                  <!-- Window attainment (met / judged windows); absent for a period measure. -->
                  <xs:attribute name="attainment" type="r:fraction"/>
                  <!-- The objective's bound: a fraction for attainment and uptime, the value's unit for a mean. -->
                  <xs:attribute name="objective" type="r:number" use="required"/>
                  <xs:attribute name="verdict" type="r:clauseVerdict" use="required"/>
                  <xs:attribute name="windows-met" type="xs:nonNegativeInteger"/>
                  <xs:attribute name="windows-breached" type="xs:nonNegativeInteger"/>
                  <!-- A period measure (`measure`/`empty`): its kind, exact value in `unit`, how the
                       objective compares it, the grid's intervals, those without a value or verdict,
                       those down (uptime), and the grid's bounds where the term clips the period. -->
                  <xs:attribute name="measure-kind" type="r:measureKind"/>
                  <xs:attribute name="measure" type="r:number"/>
                  <xs:attribute name="unit" type="r:nonEmptyString"/>
                  <xs:attribute name="objective-comparison" type="r:comparison"/>
                  <xs:attribute name="intervals" type="xs:nonNegativeInteger"/>
                  <xs:attribute name="empty" type="xs:nonNegativeInteger"/>
                  <xs:attribute name="down" type="xs:nonNegativeInteger"/>
                  <xs:attribute name="grid-start" type="r:instant"/>
                  <xs:attribute name="grid-end" type="r:instant"/>
                  <!-- Uptime: the grid's time and the time down, in seconds. -->
                  <xs:attribute name="grid-seconds" type="xs:decimal"/>
                  <xs:attribute name="down-seconds" type="xs:decimal"/>
                  <!-- The group's usage charges in the period, for credits of the charges. -->
                  <xs:attribute name="charges" type="r:money"/>
                  <xs:attribute name="currency" type="r:currency"/>
                  <!-- Coverage: the period's time (within the term) with in-scope records of the
                       group, the period's time within the term, in seconds, and their ratio. -->
                  <xs:attribute name="covered-seconds" type="xs:decimal"/>
                  <xs:attribute name="period-seconds" type="xs:decimal"/>
                  <xs:attribute name="coverage" type="r:fraction"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>

              <xs:element name="credit" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <!-- A credit of the charges is per group; a credit of the fee has no key, and
                       `worst` names the group whose measure chose the tier. -->
                  <xs:sequence>
                    <xs:element name="key" type="r:key" minOccurs="0" maxOccurs="unbounded"/>
                    <xs:element name="worst" minOccurs="0">
                      <xs:complexType>
                        <xs:sequence>
                          <xs:element name="key" type="r:key" minOccurs="0" maxOccurs="unbounded"/>
                        </xs:sequence>
                        <xs:anyAttribute processContents="lax"/>
                      </xs:complexType>
                    </xs:element>
                  </xs:sequence>
                  <xs:attribute name="start" type="r:instant" use="required"/>
                  <xs:attribute name="end" type="r:instant" use="required"/>
                  <xs:attribute name="percent" type="r:percent" use="required"/>
                  <xs:attribute name="amount" type="r:money" use="required"/>
                  <xs:attribute name="currency" type="r:currency" use="required"/>
                  <!-- `fee` or `charges`, and for the charges the amount the percentage applies to. -->
                  <xs:attribute name="of" type="r:creditBase"/>
                  <xs:attribute name="charges" type="r:money"/>
                  <!-- How the amount follows: the fee, the measure that chose the tier, the tier's
                       comparison and threshold; and the coverage of the period (any group). -->
                  <xs:attribute name="fee" type="r:money"/>
                  <xs:attribute name="measure" type="r:number"/>
                  <xs:attribute name="tier-comparison" type="r:comparison"/>
                  <xs:attribute name="tier-threshold" type="r:nonEmptyString"/>
                  <xs:attribute name="covered-seconds" type="xs:decimal"/>
                  <xs:attribute name="period-seconds" type="xs:decimal"/>
                  <xs:attribute name="coverage" type="r:fraction"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>

              <xs:element name="window" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="key" type="r:key" minOccurs="0" maxOccurs="unbounded"/>
                    <xs:element name="evidence" minOccurs="0" maxOccurs="unbounded">
                      <xs:complexType>
                        <xs:attribute name="id" type="xs:string" use="required"/>
                        <xs:attribute name="value" type="r:number" use="required"/>
                        <!-- With several traces: the trace the record came from (1 is the first listed). -->
                        <xs:attribute name="trace" type="xs:positiveInteger"/>
                        <xs:anyAttribute processContents="lax"/>
                      </xs:complexType>
                    </xs:element>
                  </xs:sequence>
                  <xs:attribute name="start" type="r:instant" use="required"/>
                  <xs:attribute name="end" type="r:instant" use="required"/>
                  <xs:attribute name="count" type="xs:nonNegativeInteger" use="required"/>
                  <xs:attribute name="observed" type="r:number"/>
                  <xs:attribute name="unit" type="r:nonEmptyString"/>
                  <xs:attribute name="numerator" type="xs:nonNegativeInteger"/>
                  <xs:attribute name="denominator" type="xs:positiveInteger"/>
                  <xs:attribute name="verdict" type="r:windowVerdict" use="required"/>
                  <xs:anyAttribute processContents="lax"/>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
            <xs:attribute name="ref" type="xs:string" use="required"/>
            <xs:attribute name="name" type="r:nonEmptyString" use="required"/>
            <xs:attribute name="verdict" type="r:clauseVerdict" use="required"/>
            <xs:attribute name="windows-met" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="windows-breached" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="windows-insufficient" type="xs:nonNegativeInteger" use="required"/>
            <!-- A `value` clause: windows given a value. -->
            <xs:attribute name="windows-valued" type="xs:nonNegativeInteger"/>
            <!-- Windows selected by `windows` but not listed (past the writer's limit, 500,000 by default). -->
            <xs:attribute name="windows-omitted" type="xs:positiveInteger"/>
            <!-- Periods (period × group) not listed (past the same limit). -->
            <xs:attribute name="periods-omitted" type="xs:positiveInteger"/>
            <xs:anyAttribute processContents="lax"/>
          </xs:complexType>
        </xs:element>

        <xs:element name="rejected" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <xs:attribute name="path" type="xs:string" use="required"/>
            <!-- The line, or (from an engine that cannot number rows, docs/engines.md) the record's id. -->
            <xs:attribute name="line" type="xs:positiveInteger"/>
            <xs:attribute name="id" type="xs:string"/>
            <xs:attribute name="reason" type="xs:string" use="required"/>
            <xs:anyAttribute processContents="lax"/>
          </xs:complexType>
        </xs:element>

        <xs:element name="integrity" minOccurs="0">
          <xs:annotation><xs:documentation>Reserved for the report's digest and signature;
            any content.</xs:documentation></xs:annotation>
          <xs:complexType mixed="true">
            <xs:sequence>
              <xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
            <xs:anyAttribute processContents="lax"/>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="tool-version" type="r:nonEmptyString" use="required"/>
      <xs:attribute name="verdict" type="r:clauseVerdict" use="required"/>
      <xs:attribute name="windows" type="r:windowSelection"/>
      <xs:attribute name="rejected-total" type="xs:nonNegativeInteger"/>
      <xs:attribute name="generated" type="r:instant"/>
      <!-- The signer named with the signer option of `slac verify`, inside the part the digest covers. -->
      <xs:attribute name="signer" type="xs:string"/>
      <xs:anyAttribute processContents="lax"/>
    </xs:complexType>
  </xs:element>
</xs:schema>

"""#
}
