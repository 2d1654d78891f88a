# Writes a 70 KiB log line to stderr (fails stderr.line-length).
import fixturelib

fixturelib.serve(long_line=True)
