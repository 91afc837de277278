# Nightly executor backup: an online sqlite3 backup of /data/data.db (safe against the
# live WAL database, opened read-only) plus a plain copy of the other files in /data
# (the master encryption key). The newest 14 database snapshots are kept.
import glob
import os
import shutil
import sqlite3
import time

stamp = time.strftime("%Y%m%d-%H%M%S")
target = f"/backup/data-{stamp}.db"
source = sqlite3.connect("file:/data/data.db?mode=ro", uri=True)
copy = sqlite3.connect(target)
with copy:
    source.backup(copy)
copy.close()
source.close()
for entry in os.listdir("/data"):
    path = os.path.join("/data", entry)
    if os.path.isfile(path) and not entry.startswith("data.db"):
        shutil.copy2(path, os.path.join("/backup", entry))
for stale in sorted(glob.glob("/backup/data-*.db"))[:-14]:
    os.remove(stale)
print("backup written:", target)
