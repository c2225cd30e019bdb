"""packverify.meta (being written)."""
