# Has no plugin.GRPCStdio (fails stdio.stream).
import fixturelib

fixturelib.serve(stdio=False)
