# A working plugin whose Get handler raises for the key `boom`: goplugin.py must log the
# exception with its traceback to stderr as one hclog ERROR line, and the host still gets an error.
import fixturelib

get = fixturelib._KV.Get


def _get(self, request, context):
    if request.key == "boom":
        return 1 / 0
    return get(self, request, context)


fixturelib._KV.Get = _get
fixturelib.serve()
