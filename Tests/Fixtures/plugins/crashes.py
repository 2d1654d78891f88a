# A working plugin that dies in the middle of a call: its Get handler ends the process
# (SIGABRT, as a crash would) before answering. A host's Get fails; nothing may stay behind.
import os

import fixturelib


def _get(self, request, context):
    os.abort()


fixturelib._KV.Get = _get
fixturelib.serve()
