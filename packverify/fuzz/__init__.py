"""packverify.fuzz (being written)."""
