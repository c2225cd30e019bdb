"""The reference packer (packverify pack)."""
