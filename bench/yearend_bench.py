"""Benchmark 5: the årsbokslut of one nämnd as DOCX and as PDF, built as the download does it
(`apps.yearend.views`: the document from the register, then the file), on the demo's approved
årsbokslut of Alingsås socialnämnd (goals with their assessments, key figures, internal control,
private providers, economy and staff, and the texts). Target: each file under 2 s.

The DOCX's table of contents carries page numbers, so building it also lays the document out once
with WeasyPrint (as the PDF does); both files are read back (DOCX as a zip with its document part,
PDF by its header and page count) so a broken file cannot pass as fast.

    .venv/bin/python bench/yearend_bench.py
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import INSYN, WORK, fresh_database, save, timed

DATABASE = "insyn_bench_yearend"
RUNS = 5


def main() -> None:
    url = fresh_database(DATABASE)
    env = {**os.environ, "DATABASE_URL": url, "INSYN_VAR_DIR": str(WORK / "var"), "INSYN_LOG_LEVEL": "WARNING"}
    subprocess.run([INSYN, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([INSYN, "demo", "--if-empty"], env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
    import django

    django.setup()
    from lib.collector import threshold_from_env, tune_collector

    tune_collector(threshold_from_env(), freeze=True)  # as every web worker does (insyn/wsgi.py)
    from django.utils import translation
    from pypdf import PdfReader

    from apps.yearend.document import document_of
    from apps.yearend.documents import yearend_docx, yearend_pdf
    from apps.yearend.models import Period, ReportStatus, YearReport

    report = YearReport.objects.select_related("namnd").get(period=Period.ANNUAL, status=ReportStatus.APPROVED)

    def docx() -> bytes:
        with translation.override("sv"):
            return yearend_docx(document_of(report))

    def pdf() -> bytes:
        with translation.override("sv"):
            return yearend_pdf(document_of(report))

    # The warm-up run loads templates and fonts.
    docx_ms, docx_bytes = timed(docx, RUNS)
    pdf_ms, pdf_bytes = timed(pdf, RUNS)
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        body = archive.read("word/document.xml").decode()
    if "Årsbokslut" not in body and "årsbokslut" not in body.lower():
        raise SystemExit("the DOCX does not read as an årsbokslut")
    pages = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
    results = {
        "namnd": report.namnd.name,
        "year": report.year,
        "docx_ms": round(docx_ms, 1),
        "docx_kb": round(len(docx_bytes) / 1024, 1),
        "pdf_ms": round(pdf_ms, 1),
        "pdf_kb": round(len(pdf_bytes) / 1024, 1),
        "pdf_pages": pages,
    }
    save("yearend", results)
    for key, value in results.items():
        print(f"{key:10} {value}")


if __name__ == "__main__":
    main()
