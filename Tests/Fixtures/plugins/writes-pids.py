# A good KV plugin that first starts a child (`sleep 300`, in its process group) and appends
# "PLUGIN_PID CHILD_PID" to the file $PIDS_FILE, so a test can look for both after killing plugin-dev.
import os
import subprocess

import fixturelib

child = subprocess.Popen(["sleep", "300"])
with open(os.environ["PIDS_FILE"], "a") as pids:
    pids.write("%d %d\n" % (os.getpid(), child.pid))
fixturelib.serve()
