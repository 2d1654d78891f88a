import Crypto
import Foundation
import SwiftASN1
import X509

/// A plugin's AutoMTLS certificate (handshake field 6), read the way a go-plugin host reads it:
/// with Go's `x509.ParseCertificate`, which accepts what crypto/tls can use and more.
///
/// swift-certificates' `Certificate` refuses RSA keys under 2048 bits, but Go (and so every
/// go-plugin host) accepts them: PyPI's `tf` framework sends a 1024-bit RSA certificate. This
/// walks the structure as Go's parser does (docs/protocol.md, AutoMTLS), with Go's messages,
/// and reads only what plugin-dev shows: the key, the subject, the names and the validity.
public struct PluginCertificate: Sendable, Equatable {
  /// The public key, as Go's parser classifies it.
  public enum Key: Sendable, Equatable, CustomStringConvertible {
    /// RSA with a modulus of this many bits.
    case rsa(bits: Int)
    /// ECDSA on a named curve (`P-256`, …).
    case ecdsa(curve: String)
    /// Ed25519.
    case ed25519
    /// A key Go parses but crypto/tls cannot use (X25519, DSA) or does not know; a host's TLS
    /// handshake with it fails.
    case other(String)

    /// `RSA 1024`, `ECDSA P-521`, `Ed25519`.
    public var description: String {
      switch self {
      case .rsa(let bits): return "RSA \(bits)"
      case .ecdsa(let curve): return "ECDSA \(curve)"
      case .ed25519: return "Ed25519"
      case .other(let name): return name
      }
    }

    /// Whether Go's crypto/tls can sign a handshake with it.
    public var usableForTLS: Bool {
      if case .other = self { return false }
      return true
    }
  }

  /// The DER bytes.
  public let der: [UInt8]
  /// The public key.
  public let key: Key
  /// The subject's common name, if it has one.
  public let commonName: String?
  /// The DNS names of the subject alternative names extension.
  public let dnsNames: [String]
  /// The end of the validity period.
  public let notAfter: Date?

  /// Parses `der`; throws `ParseError` with the message Go's `x509.ParseCertificate` gives.
  public init(der: [UInt8]) throws(ParseError) {
    self.der = der
    let root: ASN1Node
    do {
      root = try DER.parse(Array(der.prefix(Self.firstElementLength(der) ?? der.count)))
    } catch {
      throw ParseError("x509: malformed certificate")
    }
    guard root.identifier == .sequence, case .constructed(let outer) = root.content else {
      throw ParseError("x509: malformed certificate")
    }
    var parts = outer.makeIterator()
    guard let tbsNode = parts.next(), tbsNode.identifier == .sequence, case .constructed(let tbs) = tbsNode.content
    else { throw ParseError("x509: malformed tbs certificate") }
    let fields = try Self.readTBS(tbs)
    guard let outerAlgorithm = parts.next(), outerAlgorithm.identifier == .sequence else {
      throw ParseError("x509: malformed algorithm identifier")
    }
    guard outerAlgorithm.encodedBytes.elementsEqual(fields.signatureAlgorithm) else {
      throw ParseError("x509: inner and outer signature algorithm identifiers don't match")
    }
    guard let signature = parts.next(), (try? ASN1BitString(derEncoded: signature)) != nil, parts.next() == nil else {
      throw ParseError("x509: malformed signature")
    }
    if der.count != root.encodedBytes.count { throw ParseError("x509: trailing data") }
    key = fields.key
    commonName = fields.commonName
    dnsNames = fields.dnsNames
    notAfter = fields.notAfter
  }

  /// `528 bytes DER, RSA 1024, CN=localhost, until 2026-12-14`: field 6 shortened for text output.
  public var summary: String {
    var parts = ["\(der.count) bytes DER", key.description]
    if let commonName { parts.append("CN=\(commonName)") }
    if let notAfter {
      let format = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
      parts.append("until \(notAfter.formatted(format))")
    }
    return parts.joined(separator: ", ")
  }

  /// Why Go's parser refuses the bytes, in its words.
  public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Go's message, e.g. `x509: malformed certificate`.
    public let description: String
    init(_ description: String) { self.description = description }
  }

  private struct TBSFields {
    var signatureAlgorithm: ArraySlice<UInt8>
    var key: Key
    var commonName: String?
    var dnsNames: [String]
    var notAfter: Date?
  }

  /// TBSCertificate, field by field in Go's order (crypto/x509/parser.go, parseCertificate).
  private static func readTBS(_ tbs: ASN1NodeCollection) throws(ParseError) -> TBSFields {
    var nodes = tbs.makeIterator()
    var node = nodes.next()
    var version = 0
    if let first = node, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
      guard case .constructed(let inner) = first.content, let value = Self.only(inner),
        let v = try? Int(derEncoded: value),
        v >= 0
      else { throw ParseError("x509: malformed version") }
      version = v
      node = nodes.next()
    }
    guard version + 1 <= 3 else { throw ParseError("x509: invalid version") }
    guard let serial = node, (try? ArraySlice<UInt8>(derEncoded: serial)) != nil else {
      throw ParseError("x509: malformed serial number")
    }
    guard let algorithm = nodes.next(), algorithm.identifier == .sequence else {
      throw ParseError("x509: malformed signature algorithm identifier")
    }
    guard let issuer = nodes.next(), (try? DistinguishedName(derEncoded: issuer)) != nil else {
      throw ParseError("x509: malformed issuer")
    }
    guard let validity = nodes.next(), let period = try? Self.validity(validity) else {
      throw ParseError("x509: malformed validity")
    }
    guard let subjectNode = nodes.next(), let subject = try? DistinguishedName(derEncoded: subjectNode) else {
      throw ParseError("x509: malformed subject")
    }
    guard let spki = nodes.next(), spki.identifier == .sequence, case .constructed(let spkiParts) = spki.content else {
      throw ParseError("x509: malformed spki")
    }
    let key = try Self.publicKey(spkiParts)
    var extensions: [Certificate.Extension] = []
    while let optional = nodes.next() {
      switch optional.identifier {
      case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific),
        ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
        guard version >= 1 else { throw ParseError("x509: malformed tbs certificate") }
      case ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific):
        guard version == 2, case .constructed(let wrapped) = optional.content, let list = Self.only(wrapped),
          let parsed = try? DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: list)
        else { throw ParseError("x509: malformed extensions") }
        extensions = parsed
      default:
        throw ParseError("x509: malformed tbs certificate")
      }
    }
    var names: [String] = []
    if let san = extensions.first(where: { $0.oid == .X509ExtensionID.subjectAlternativeName }) {
      guard let parsed = try? SubjectAlternativeNames(san) else { throw ParseError("x509: malformed extension") }
      names = parsed.compactMap { if case .dnsName(let name) = $0 { name } else { nil } }
    }
    let commonName = subject.lazy.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }
      .map { String(describing: $0.value) }
    return TBSFields(
      signatureAlgorithm: algorithm.encodedBytes, key: key, commonName: commonName, dnsNames: names,
      notAfter: period)
  }

  /// Validity ::= SEQUENCE { notBefore Time, notAfter Time }; returns notAfter.
  private static func validity(_ node: ASN1Node) throws -> Date? {
    guard case .constructed(let times) = node.content, node.identifier == .sequence else {
      throw ParseError("validity")
    }
    let dates = try times.map { time -> Date? in
      var components = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: .gmt)
      switch time.identifier {
      case .utcTime:
        let t = try UTCTime(derEncoded: time)
        (components.year, components.month, components.day) = (t.year, t.month, t.day)
        (components.hour, components.minute, components.second) = (t.hours, t.minutes, t.seconds)
      case .generalizedTime:
        let t = try GeneralizedTime(derEncoded: time)
        (components.year, components.month, components.day) = (t.year, t.month, t.day)
        (components.hour, components.minute, components.second) = (t.hours, t.minutes, t.seconds)
      default:
        throw ParseError("validity")
      }
      return components.date
    }
    guard dates.count == 2 else { throw ParseError("validity") }
    return dates[1]
  }

  /// SubjectPublicKeyInfo as Go's `parsePublicKey` reads it (Go 1.19 messages).
  private static func publicKey(_ spki: ASN1NodeCollection) throws(ParseError) -> Key {
    var parts = spki.makeIterator()
    guard let algorithmNode = parts.next(), algorithmNode.identifier == .sequence,
      case .constructed(let algorithm) = algorithmNode.content
    else { throw ParseError("x509: malformed public key algorithm identifier") }
    var algorithmParts = algorithm.makeIterator()
    guard let oidNode = algorithmParts.next(), let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode) else {
      throw ParseError("x509: malformed public key algorithm identifier")
    }
    let parameters = algorithmParts.next()
    guard let keyNode = parts.next(), let bits = try? ASN1BitString(derEncoded: keyNode) else {
      throw ParseError("x509: malformed subjectPublicKey")
    }
    let keyBytes = bits.bytes
    switch oid {
    case .AlgorithmIdentifier.rsaEncryption:
      guard let parameters, parameters.identifier == .null else {
        throw ParseError("x509: RSA key missing NULL parameters")
      }
      guard let pkcs1 = try? DER.parse(keyBytes), case .constructed(let numbers) = pkcs1.content else {
        throw ParseError("x509: invalid RSA public key")
      }
      var values = numbers.makeIterator()
      guard let modulus = values.next().flatMap(Self.integerBytes) else {
        throw ParseError("x509: invalid RSA modulus")
      }
      guard let exponent = values.next().flatMap(Self.integerBytes), exponent.count <= 8, values.next() == nil else {
        throw ParseError("x509: invalid RSA public exponent")
      }
      guard modulus[modulus.startIndex] & 0x80 == 0, modulus.contains(where: { $0 != 0 }) else {
        throw ParseError("x509: RSA modulus is not a positive number")
      }
      guard exponent[exponent.startIndex] & 0x80 == 0, exponent.contains(where: { $0 != 0 }) else {
        throw ParseError("x509: RSA public exponent is not a positive number")
      }
      let significant = modulus.drop { $0 == 0 }
      return .rsa(bits: significant.count * 8 - (significant.first.map { $0.leadingZeroBitCount } ?? 0))
    case .AlgorithmIdentifier.idEcPublicKey:
      guard let parameters, let curve = try? ASN1ObjectIdentifier(derEncoded: parameters) else {
        throw ParseError("x509: invalid ECDSA parameters")
      }
      let point = Array(keyBytes)
      let valid: Bool
      let name: String
      switch curve {
      case .NamedCurves.secp256r1:
        (name, valid) = ("P-256", (try? P256.Signing.PublicKey(x963Representation: point)) != nil)
      case .NamedCurves.secp384r1:
        (name, valid) = ("P-384", (try? P384.Signing.PublicKey(x963Representation: point)) != nil)
      case .NamedCurves.secp521r1:
        (name, valid) = ("P-521", (try? P521.Signing.PublicKey(x963Representation: point)) != nil)
      case [1, 3, 132, 0, 33]:  // secp224r1: Go parses it; swift-crypto has no P-224, so only the shape is checked
        (name, valid) = ("P-224", point.count == 57 && point.first == 4)
      default: throw ParseError("x509: unsupported elliptic curve")
      }
      guard valid else { throw ParseError("x509: failed to unmarshal elliptic curve point") }
      return .ecdsa(curve: name)
    case [1, 3, 101, 112]:  // id-Ed25519
      guard parameters == nil else { throw ParseError("x509: Ed25519 key encoded with illegal parameters") }
      guard keyBytes.count == 32 else { throw ParseError("x509: wrong Ed25519 public key size") }
      return .ed25519
    case [1, 3, 101, 110]:  // id-X25519
      return .other("X25519")
    case [1, 2, 840, 10040, 4, 1]:  // id-dsa
      return .other("DSA")
    default:
      return .other("unknown key algorithm \(oid)")
    }
  }

  /// An INTEGER's two's-complement content bytes, as Go's cryptobyte reads one: nil unless
  /// primitive, non-empty and minimally encoded.
  private static func integerBytes(_ node: ASN1Node) -> ArraySlice<UInt8>? {
    guard node.identifier == .integer, case .primitive(let bytes) = node.content, let first = bytes.first else {
      return nil
    }
    if bytes.count > 1 {
      let second = bytes[bytes.startIndex + 1]
      if (first == 0x00 && second & 0x80 == 0) || (first == 0xFF && second & 0x80 != 0) { return nil }
    }
    return bytes
  }

  /// The single node of an explicit tag's contents, nil when there is not exactly one.
  private static func only(_ nodes: ASN1NodeCollection) -> ASN1Node? {
    var iterator = nodes.makeIterator()
    guard let node = iterator.next(), iterator.next() == nil else { return nil }
    return node
  }

  /// The length of the first DER element (tag, length and contents), or nil when its header
  /// cannot be read: what Go compares with the input's length for "trailing data".
  private static func firstElementLength(_ der: [UInt8]) -> Int? {
    guard der.count >= 2 else { return nil }
    let first = Int(der[1])
    if first < 0x80 { return 2 + first }
    let count = first & 0x7F
    guard count > 0, count <= 4, der.count >= 2 + count else { return nil }
    let length = der[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
    return 2 + count + length
  }
}
