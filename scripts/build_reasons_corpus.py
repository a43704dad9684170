"""Assemble eval/reasons/corpus.jsonl from the generated reasons and the people's labels.

    python scripts/build_reasons_corpus.py

Inputs (all in eval/reasons/): generated.jsonl (`aisle eval reasons-generate`: contexts, composer and
raw SmolLM2 reasons), to_label.jsonl + labels.jsonl (the labelled sample of those), scripted.jsonl
(a scripted capable model's reasons for scripted_contexts.jsonl) + scripted_labels.jsonl.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "eval" / "reasons"


def _lines(name: str) -> list[dict]:
    return [
        json.loads(line) for line in (ROOT / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def main() -> None:
    generated = {g["id"]: g for g in _lines("generated.jsonl")}
    labels = {item["id"]: item["claims"] for item in _lines("labels.jsonl")}
    rows = []
    for item in _lines("to_label.jsonl"):
        g = generated[item["id"]]
        rows.append(
            {
                "id": item["id"],
                "catalog": item["catalog"],
                "source": item["source"],
                "query": item["query"],
                "filters": g["filters"],
                "product_id": g["product_id"],
                "shown_ids": g["shown_ids"],
                "reference": g.get("reference"),
                "reason": item["reason"],
                "claims": labels[item["id"]],
            }
        )
    contexts = {c["id"]: c for c in _lines("scripted_contexts.jsonl")}
    scripted_labels = {item["id"]: item["claims"] for item in _lines("scripted_labels.jsonl")}
    for item in _lines("scripted.jsonl"):
        c = contexts[item["id"]]
        rows.append(
            {
                "id": item["id"],
                "catalog": c["catalog"],
                "source": "scripted",
                "query": c["query"],
                "filters": c["filters"],
                "product_id": c["product"]["id"],
                "shown_ids": [s["id"] for s in c["shown"]],
                "reference": None,
                "reason": item["reason"],
                "claims": scripted_labels[item["id"]],
            }
        )
    out = ROOT / "corpus.jsonl"
    out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} labelled reasons to {out}")


if __name__ == "__main__":
    main()
