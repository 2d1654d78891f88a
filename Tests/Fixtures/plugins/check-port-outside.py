# Listens just above PLUGIN_MAX_PORT (fails port.range).
import fixturelib

fixturelib.serve(port="above-range")
