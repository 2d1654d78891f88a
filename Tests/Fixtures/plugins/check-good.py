# Does everything a go-plugin host expects: passes every check of plugin-dev check (reflection warns).
import fixturelib

fixturelib.serve()
