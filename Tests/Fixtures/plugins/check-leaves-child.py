# Starts `sleep 300` and exits without stopping it (fails shutdown.no-children).
import fixturelib

fixturelib.serve(child=True)
