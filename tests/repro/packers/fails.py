"""Exits 3 with a message on stderr, writing nothing."""
import sys

sys.stderr.write("fails.py: cannot pack this repository\n")
sys.exit(3)
