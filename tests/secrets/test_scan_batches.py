"""Hand-checked cases of scanning many texts at once: each text is judged alone (what the
old joined batches got wrong is pinned here), in the order the texts came, whatever
mix of ASCII and other texts a batch holds; and long lines with many hits."""

from __future__ import annotations

from packverify.secrets import find_secrets, scan_many

KEY = "AKIA" + "QWERTYUIOPASDFGH"  # an AWS access key id the rules accept
PEM_TAIL = "A" * 16 + "\n-----END RSA PRIVATE KEY-----"


def test_a_netrc_entry_does_not_span_two_texts():
    # joined, "machine" ending one text and "login … password …" starting the next once
    # read as one .netrc entry; neither text alone holds one
    items = [(1, "x\nmachine"), (2, "login u password Zq8vLm3Kp")]
    assert list(scan_many(items)) == []
    [hit] = find_secrets("x\nmachine example.com\nlogin u password Zq8vLm3Kp")  # the entry whole, in one text
    assert (hit.rule, hit.line, hit.redacted) == ("netrc-password", 3, "Zq…(redacted)")


def test_a_key_end_right_after_another_text_is_found():
    # joined, the first text's END line within 80 characters hid the second's
    items = [(1, PEM_TAIL), (2, "B" * 16 + "\n-----END RSA PRIVATE KEY-----")]
    found = [(key, hit.rule, hit.line, hit.start, hit.end) for key, hit in scan_many(items)]
    assert found == [(1, "private-key", 1, 0, 46), (2, "private-key", 1, 0, 46)]


def test_texts_come_back_in_their_order_whatever_their_characters():
    items = [("a", f"k = '{KEY}'\n"), ("b", f"# 😀\nk = '{KEY}'\n"), ("c", f"\n\nk='{KEY}'"), ("d", "é")]
    for batch_chars in (1, 30, 1 << 20):
        found = [(key, hit.line, hit.start) for key, hit in scan_many(items, batch_chars)]
        assert found == [("a", 1, 5), ("b", 2, 9), ("c", 3, 5)]


def test_many_hits_on_one_long_line_and_an_allowlisted_one():
    line = " ".join([KEY] * 3)  # offsets 0, 21, 42
    text = f"{line}\n{KEY} # pragma: allowlist secret\nx\n{line}"
    found = [(hit.line, hit.start, hit.end) for hit in find_secrets(text)]
    second = len(line) + 1
    fourth = second + len(KEY) + len(" # pragma: allowlist secret\nx\n")
    assert found == [(1, 0, 20), (1, 21, 41), (1, 42, 62), (4, fourth, fourth + 20), (4, fourth + 21, fourth + 41),
                     (4, fourth + 42, fourth + 62)]
    assert [hit.redacted for hit in find_secrets(text)] == ["AKIA…(redacted)"] * 6


def test_empty_texts_are_skipped_and_an_empty_text_has_no_secret():
    assert find_secrets("") == []
    assert [key for key, _ in scan_many([(1, ""), (2, KEY), (3, "")])] == [2]


def test_what_starts_a_text_is_seen_as_its_start_in_any_batch():
    # a password-file line and a key body's first line are judged by what is before them:
    # the start of their own text, never the text before in the batch
    htpasswd = "admin:$apr1$gG78zsd0$j46RrmiNfcI60vbcOMFDMe"
    body = ("MIICXQIBAAKBgQDBkeLWI4VDqRlOZZDgT2y1n+n3Zc5rRGwGBDcPGp+nHX4/ErfS\n"
            "yS4iWMgRkS3xIYf3NaNPWk8Wc2qFR6kDc2KY9Xoz0h5GAENpUDXOaN9J6PJSNes4\n")
    for first in ("x", "xyz:"):
        found = [(key, hit.rule, hit.line, hit.start) for key, hit in scan_many([(1, first), (2, htpasswd), (3, body)])]
        assert found == [(2, "password-hash", 1, 6), (3, "private-key", 1, 0)]
    # and first in a batch, or alone
    assert [(key, hit.line, hit.start) for key, hit in scan_many([(1, body), (2, htpasswd)])] == [(1, 1, 0), (2, 1, 6)]
    assert [(hit.rule, hit.kind, hit.end) for hit in find_secrets(body)] == [("private-key", "private key (body)", 64)]
