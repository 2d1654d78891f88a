# Reports health "plugin" as NOT_SERVING (fails health.serving).
import fixturelib

fixturelib.serve(health_status="NOT_SERVING")
