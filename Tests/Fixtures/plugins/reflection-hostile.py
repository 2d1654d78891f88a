# A plugin whose grpc.reflection.v1 misbehaves as its first argument says (stall, garbage,
# imports): see fixturelib._add_hostile_reflection.
import sys

import fixturelib

fixturelib.serve(hostile_reflection=sys.argv[1])
