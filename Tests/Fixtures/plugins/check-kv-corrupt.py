# Stores KV values as text, mangling bytes that are not UTF-8 (fails kv.roundtrip).
import fixturelib

fixturelib.serve(kv="corrupt")
