import AutoMTLS
import Foundation
import PluginProtocol

/// The environment a go-plugin host gives a plugin, for `plugin-dev env`: the launch `run` and
/// `check` make (`HostLaunch`, so the three never disagree), for an author who starts the
/// plugin by hand (under dlv, pdb, lldb or an IDE).
public struct HostEnvironment: Sendable {
  /// The launch: command, working directory, every variable set (the target's, `--env`, then
  /// the go-plugin ones), the inherited ones removed, whether the rest is inherited.
  public let launch: PluginProcess.Launch
  /// The go-plugin variables among them (cookie, `PLUGIN_*`).
  public let hostVariables: [String: String]
  /// The socket folder made for `--socket-dir` (left in place: the plugin is started later).
  public let socketDirectory: String?
  /// With `autoMTLS`: the host's private key (PEM, mode 0600) matching `PLUGIN_CLIENT_CERT`.
  public let clientKeyPath: String?
  /// With `autoMTLS`: the host's certificate (PEM), the value of `PLUGIN_CLIENT_CERT`.
  public let clientCertificatePath: String?

  /// Why the environment could not be made.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// What happened and what to do.
    public let description: String
  }

  /// The environment `options` describe for `target`; with `options.autoMTLS`, a host
  /// certificate made for it (`PLUGIN_CLIENT_CERT`), written with its key to `mtlsDirectory`
  /// (made 0700 when missing; nil: a new private folder under `$TMPDIR`).
  public static func make(_ target: PluginTarget, _ options: HostOptions, mtlsDirectory: String? = nil)
    throws(Failure) -> HostEnvironment
  {
    var files: (key: String, certificate: String, pem: String)?
    if options.autoMTLS { files = try writeIdentity(to: mtlsDirectory) }
    let folder: SocketFolder?
    do {
      folder = try HostLaunch.socketDirectory(options)
    } catch {
      throw Failure(description: error.description)
    }
    let environment = HostLaunch.environment(
      target, options, clientCertificatePEM: files?.pem, socketDirectory: folder?.path)
    return HostEnvironment(
      launch: HostLaunch.launch(target, options, environment: environment), hostVariables: environment.variables,
      socketDirectory: folder?.path, clientKeyPath: files?.key, clientCertificatePath: files?.certificate)
  }

  private static func writeIdentity(to folder: String?) throws(Failure) -> (
    key: String, certificate: String, pem: String
  ) {
    let identity: AutoMTLSIdentity
    let directory: String
    do {
      identity = try AutoMTLSIdentity.generate()
      if let folder {
        try FileManager.default.createDirectory(
          atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        directory = folder
      } else {
        directory = try PrivateDirectory.make(prefix: "plugin-dev-mtls-").path
      }
    } catch {
      throw Failure(description: "could not make the AutoMTLS key and certificate: \(error)")
    }
    let key = (directory as NSString).appendingPathComponent("client-key.pem")
    let certificate = (directory as NSString).appendingPathComponent("client-cert.pem")
    try? FileManager.default.removeItem(atPath: key)
    guard
      FileManager.default.createFile(
        atPath: key, contents: Data(identity.privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600]),
      FileManager.default.createFile(
        atPath: certificate, contents: Data(identity.certificatePEM.utf8), attributes: [.posixPermissions: 0o644])
    else {
      throw Failure(description: "could not write the AutoMTLS key and certificate to \(directory)")
    }
    return (key, certificate, identity.certificatePEM)
  }
}
