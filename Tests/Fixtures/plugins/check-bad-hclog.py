# Logs with @level "warning" and millisecond timestamps (stderr.hclog warns: a host shows such lines at debug).
import fixturelib

fixturelib.serve(bad_log=True)
