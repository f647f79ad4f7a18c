"""Every reader's throughput target in one run: PubMed XML, PMC JATS, Web of Science.

Runs ``bench/formats_xml.py`` (PubMed XML and JATS beside pubmed_parser) and
``bench/formats_text.py`` (Web of Science beside metaknowledge) one after the
other and prints their tables.  The comparison tools live in their own virtual
environments, never in citegraph's::

    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install pubmed-parser
    python3 -m venv /tmp/mk-venv && /tmp/mk-venv/bin/pip install metaknowledge
    PUBMED_PARSER_PYTHON=/tmp/bench-venv/bin/python METAKNOWLEDGE_PYTHON=/tmp/mk-venv/bin/python \\
        PYTHONPATH=. python bench/formats.py

The targets: PubMed XML and JATS at least 3x pubmed_parser, Web of Science at
least 5x metaknowledge.  Each XML table has a ``floor (XML only)`` row, the
ceiling of any reader built on lxml; ``bench/floor_wos.py``, given
``METAKNOWLEDGE_PYTHON``, prints the same ceiling for a pure-Python reader of
the Web of Science file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import formats_text  # noqa: E402
import formats_xml  # noqa: E402


def main() -> int:
    status = formats_xml.main([])
    print()
    return status or formats_text.main([])


if __name__ == "__main__":
    sys.exit(main())
