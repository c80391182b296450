"""The Rust port and openapi-spec-validator on every document of the corpus: whether the port
answers, whether its diagnostics are the reference's, and each one's time on the loaded
document. Prints one JSON line per document; run by ``run.py`` with the measured source
importable (``PYTHONPATH``).

    python benchmarks/parity.py SPECS_FOLDER
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.validate import _validator_class
from generator.validate_port import findings as port_findings
from generator.validate_reference import findings as reference_findings


def main(specs: Path) -> None:
    with (specs / "MANIFEST.tsv").open(encoding="utf-8", newline="") as rows:
        manifest = list(csv.DictReader(rows, delimiter="\t"))
    for row in manifest:
        docs = load_documents(specs / row["main_file"], Diagnostics())
        name = _validator_class(docs.root.data, Diagnostics()) if docs else None
        result: dict[str, object] = {"name": row["name"], "version": row["openapi_version"]}
        if docs is None or name is None:
            result["verdict"] = "not validated (oapigen does not read it)"
        else:
            started = time.perf_counter()
            port = port_findings(name, docs)
            result["port_s"] = time.perf_counter() - started
            started = time.perf_counter()
            reference = reference_findings(name, docs)
            result["reference_s"] = time.perf_counter() - started
            result["diagnostics"] = len(reference)
            if port is None:
                result["verdict"] = "reference only"
            else:
                result["verdict"] = "same" if port == reference else "DIFFERENT"
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
