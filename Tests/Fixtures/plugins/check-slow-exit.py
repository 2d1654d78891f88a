# Answers Shutdown but keeps running (fails shutdown.exit).
import fixturelib

fixturelib.serve(exit_on_shutdown=False)
