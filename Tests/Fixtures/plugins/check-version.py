# Always answers app version 2, whatever the host offers (fails handshake.version).
import fixturelib

fixturelib.serve(version=2)
