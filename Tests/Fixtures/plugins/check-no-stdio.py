# Has no plugin.GRPCStdio (stdio.stream warns: a go-plugin host only logs it).
import fixturelib

fixturelib.serve(stdio=False)
