# Prints to stdout after its handshake (warns on stdout.after-handshake, fails nothing).
import fixturelib

fixturelib.serve(stray_stdout=True)
