# Serves over TLS under AutoMTLS with the certificate the test made (a 1024-bit RSA key, as PyPI's
# `tf` framework makes), asking for no client certificate: a go-plugin host accepts it.
import fixturelib

fixturelib.serve(tls_files=True)
