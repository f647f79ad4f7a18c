"""What every reader gets from the package: inputs found, opened, decoded, detected."""

from __future__ import annotations

import gzip
import io

import pytest

from citegraph.errors import FormatError, InputError
from citegraph.formats import (decode, detect_format, expand_inputs, open_input, read_bytes, read_records,
                               text_stream)
from citegraph.model import Record, Skipped
from _shared import REPO

SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"


@pytest.mark.parametrize("data, text", [
    (b"\xef\xbb\xbfM\xc3\xbcller", "Müller"),
    ("Müller".encode("utf-16"), "Müller"),
    ("Müller".encode("utf-16-be").join([b"\xfe\xff", b""]), "Müller"),
    (b"M\xfcller", "Müller"),
    (b"\x81 undefined in cp1252", "\ufffd undefined in cp1252"),
], ids=["utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252", "byte-no-encoding-explains"])
def test_decode(data, text):
    assert decode(data) == text


def test_text_stream_falls_back_to_cp1252_past_the_sniffed_head():
    data = b"a" * 70_000 + b"\r\nM\xfcller and Caf\xc3\xa9\rend\n"
    lines = text_stream(io.BytesIO(data)).read().split("\n")
    assert lines[1:] == ["Müller and Café", "end", ""]  # CRLF and CR are newlines too


def test_text_stream_reads_a_cp1252_file_whole_as_cp1252():
    assert text_stream(io.BytesIO("Ã©tude – Müller".encode("cp1252"))).read() == "Ã©tude – Müller"


@pytest.mark.parametrize("data, text", [
    (b"TI  - A \x96 dash\nTI  - Caf\xc3\xa9\n", "TI  - A \u2013 dash\nTI  - Caf\u00e9\n"),
    (b"\xef\xbb\xbfCaf\xc3\xa9 \x96 M\xc3\xbcller", "Caf\u00e9 \u2013 M\u00fcller"),
    ("M\u00fcller \u2013 Caf\u00e9".encode("cp1252"), "M\u00fcller \u2013 Caf\u00e9"),
    ("\u00c3\u00a9tude \u2013 M\u00fcller".encode("cp1252"), "\u00c3\u00a9tude \u2013 M\u00fcller"),
], ids=["utf8-stray-byte-at-the-top", "utf8-bom-stray-byte", "cp1252", "cp1252-letters-that-pair-as-utf8"])
def test_decode_and_text_stream_read_alike(data, text):
    assert decode(data) == text
    assert text_stream(io.BytesIO(data)).read() == text


@pytest.mark.parametrize("pack", [lambda data: data, gzip.compress], ids=["plain", "gzip"])
def test_text_stream_sniffs_64_kib_of_a_file_whatever_its_buffer(tmp_path, pack):
    """A stray byte at the top and the UTF-8 letters 20 KB down: the letters say UTF-8."""
    path = tmp_path / "records.txt"
    path.write_bytes(pack(b"TI  - A \x96 dash\n" + b"TI  - x\n" * 2500 + b"TI  - Caf\xc3\xa9\n"))
    with open_input(str(path)) as stream:
        lines = text_stream(stream).read().splitlines()
    assert lines[0] == "TI  - A \u2013 dash" and lines[-1] == "TI  - Caf\u00e9"


def test_text_stream_leaves_the_stream_to_whoever_opened_it():
    stream = io.BytesIO(b"a\nb\n")
    text = text_stream(stream)
    assert text.read() == "a\nb\n"
    text.close()
    assert not stream.closed


def test_read_bytes_gunzips_by_content_not_name(tmp_path):
    packed = tmp_path / "no-suffix"
    packed.write_bytes(gzip.compress(b"hello"))
    assert read_bytes(str(packed)) == b"hello"


def test_a_truncated_gzip_is_an_input_error_naming_the_file(tmp_path):
    packed = tmp_path / "cut.txt.gz"
    packed.write_bytes(gzip.compress(SEED.read_bytes())[:200])
    with pytest.raises(InputError, match="cut.txt.gz"):
        read_bytes(str(packed))
    [skipped] = list(read_records([str(packed)]))
    assert isinstance(skipped, Skipped) and skipped.source.path == str(packed)


def test_expand_inputs_folders_globs_and_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("x")
    (tmp_path / "one.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    assert [p.replace(str(tmp_path), "") for p in expand_inputs([str(tmp_path)])] == ["/one.txt", "/b/two.txt"]
    assert list(expand_inputs([str(tmp_path / "*.txt")])) == [str(tmp_path / "one.txt")]
    with pytest.raises(InputError, match="no file matches"):
        list(expand_inputs([str(tmp_path / "*.nothing")]))
    with pytest.raises(InputError, match="no such file"):
        list(expand_inputs([str(tmp_path / "absent.txt")]))


def test_detect_format_names_the_file_it_cannot_place():
    with pytest.raises(FormatError, match=r"notes\.txt: not in a format citegraph reads"):
        detect_format("shopping list: eggs, milk", "notes.txt")


def test_one_unreadable_file_among_good_ones(tmp_path):
    (tmp_path / "a-seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-seed.txt.gz").write_bytes(gzip.compress(SEED.read_bytes()))
    items = list(read_records([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Record", "Skipped", "Record"]
    assert items[1].reason == "file is empty"
    assert isinstance(items[2], Record) and items[2].work.doi == items[0].work.doi
