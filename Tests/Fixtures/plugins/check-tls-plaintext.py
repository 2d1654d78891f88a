# Given PLUGIN_CLIENT_CERT it prints a certificate in field 6 but serves plaintext (fails tls.auto-mtls).
import fixturelib

fixturelib.serve(tls_echo=True)
