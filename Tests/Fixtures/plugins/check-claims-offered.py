# Answers whatever version the host offers first, supported or not (fails negotiation.unsupported-version).
import fixturelib

fixturelib.serve(version="first-offered")
