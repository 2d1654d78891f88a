# A correct plugin whose grpc.reflection.v1 stream is accepted and never answered, so a stop
# always comes while plugin-dev's reflection fetch is still waiting.
import fixturelib

fixturelib.serve(hanging_reflection=True)
