# A working plugin whose stdout closes right after its handshake, long before it exits: what
# Go's garbage collector does to a go-plugin 1.0.1 Go plugin once Serve replaces os.Stdout.
# With the argument `late`, stdout closes only when the plugin is asked to shut down.
import os
import sys

import fixturelib


class _ClosingStdout:
    """Passes writes through; closes file descriptor 1 on the first flush (the handshake's)."""

    def __init__(self, stream, close_now):
        self._stream, self._close_now = stream, close_now

    def write(self, text):
        return self._stream.write(text)

    def flush(self):
        self._stream.flush()
        if self._close_now:
            self._close_now = False
            os.close(1)


late = sys.argv[1:] == ["late"]
sys.stdout = _ClosingStdout(sys.stdout, close_now=not late)
if late:
    controller = fixturelib.goplugin.ControllerServicer
    shutdown = controller.Shutdown

    def _shutdown_closing_stdout(self, request, context):
        os.close(1)
        return shutdown(self, request, context)

    controller.Shutdown = _shutdown_closing_stdout
fixturelib.serve()
