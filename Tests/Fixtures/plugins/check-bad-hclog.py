# Logs with @level "warning" and millisecond timestamps (fails stderr.hclog).
import fixturelib

fixturelib.serve(bad_log=True)
