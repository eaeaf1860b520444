# Runs in Ingot and natively; the two outputs must be equal. It touches what a real Python
# program does at start-up and after: the standard library from the image's file system, C
# extension modules loaded with dlopen (_json, _sqlite3, _hashlib, _ssl, _datetime), a data file
# in the image, and a scratch file in /tmp.
import datetime
import hashlib
import json
import os
import re
import sqlite3
import ssl
import sys

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "tour_data.json")) as data_file:
    data = json.load(data_file)
print("data:", sorted(data), data["answer"])

words = re.findall(r"[a-z]+", data["text"])
print("words:", len(words), words[:3])

print("sha256:", hashlib.sha256(data["text"].encode()).hexdigest())
print("md5:", hashlib.md5(b"ingot").hexdigest())

day = datetime.date(2026, 12, 3) + datetime.timedelta(days=data["answer"])
print("date:", day.isoformat(), day.strftime("%A"))

context = ssl.create_default_context()
print("ssl:", ssl.OPENSSL_VERSION.split()[0], context.verify_mode == ssl.CERT_REQUIRED)

database = sqlite3.connect(":memory:")
database.execute("create table t (k text primary key, v integer)")
database.executemany("insert into t values (?, ?)", [(w, len(w)) for w in set(words)])
print("sqlite:", database.execute("select count(*), sum(v) from t").fetchone())

scratch = "/tmp/ingot-tour-%d.txt" % os.getpid()
with open(scratch, "w") as out:
    for i in range(1000):
        out.write("line %d\n" % i)
with open(scratch) as back:
    lines = back.readlines()
os.unlink(scratch)
print("tmp:", len(lines), lines[-1].strip(), os.path.exists(scratch))
print("done")
sys.exit(0)
