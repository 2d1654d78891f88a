# A good KV plugin that first starts a child (`sleep 300`, in its process group) and appends
# "PLUGIN_PID CHILD_PID" to the file $PIDS_FILE, so a test can look for both after killing
# plugin-dev. With $PAUSE_SECONDS it waits that long before serving (plugin-dev then waits for
# its handshake), so a slow test still finds it running.
import os
import subprocess
import time

import fixturelib

child = subprocess.Popen(["sleep", "300"])
with open(os.environ["PIDS_FILE"], "a") as pids:
    pids.write("%d %d\n" % (os.getpid(), child.pid))
time.sleep(float(os.environ.get("PAUSE_SECONDS", "0")))
fixturelib.serve()
