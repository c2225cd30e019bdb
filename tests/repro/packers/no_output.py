"""Exits 0 without writing OUT."""
print("packed nothing")
