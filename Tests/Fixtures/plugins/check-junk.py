# Prints a banner on stdout before its handshake (fails handshake.no-junk).
import fixturelib

fixturelib.serve(junk="starting up...")
