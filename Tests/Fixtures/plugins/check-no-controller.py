# Has no plugin.GRPCController, so Shutdown fails and it keeps running (fails controller.shutdown).
import fixturelib

fixturelib.serve(controller=False)
