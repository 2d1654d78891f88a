# Serves without checking the magic cookie (fails cookie.refused).
import fixturelib

fixturelib.serve(check_cookie=False)
