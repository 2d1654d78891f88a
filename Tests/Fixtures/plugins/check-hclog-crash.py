# Logs an hclog line whose @message is a number (fails stderr.hclog): go-plugin's stderr reader
# asserts a string and panics, which ends the host.
import fixturelib

fixturelib.serve(bad_log="number")
