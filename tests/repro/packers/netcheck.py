"""Packs only where it finds no network: exits 3 when 127.0.0.1:PORT (argv[3]) accepts a
connection, when interfaces other than lo exist, or when PACKVERIFY_TEST_LEAK is set."""
import os
import socket
import sys

from _common import chunks, write

repo, out, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
problems = []
probe = socket.socket()
probe.settimeout(5)
try:
    probe.connect(("127.0.0.1", port))
    problems.append("network reachable: connected to 127.0.0.1")
except OSError as exc:
    print(f"no connection: {exc}")
finally:
    probe.close()
interfaces = sorted(name for _, name in socket.if_nameindex())
if interfaces != ["lo"]:
    problems.append(f"network interfaces: {interfaces}")
if "PACKVERIFY_TEST_LEAK" in os.environ:
    problems.append("environment not clean: PACKVERIFY_TEST_LEAK is set")
if problems:
    sys.stderr.write("\n".join(problems) + "\n")
    sys.exit(3)
write(out, {"metadata": {}, "chunks": chunks(repo)})
