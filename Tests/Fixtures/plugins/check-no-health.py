# Has no health service (fails health.serving).
import fixturelib

fixturelib.serve(health_status=None)
