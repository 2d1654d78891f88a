# Sends a certificate in field 6 when the host did not ask for AutoMTLS (fails handshake.cert).
import fixturelib

fixturelib.serve(certificate=True)
