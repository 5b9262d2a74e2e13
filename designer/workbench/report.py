"""A workbench result as text or Markdown (the CLI and the design document)."""

from __future__ import annotations

from typing import Any


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f} ms"


def _plan_lines(node: dict[str, Any], depth: int = 0) -> list[str]:
    label = node["node_type"]
    if node.get("relation"):
        label += f" on {node['relation']}"
    if node.get("index"):
        label += f" using {node['index']}"
    mark = "  ← slowest" if node.get("slowest") else ""
    line = (
        f"{'  ' * depth}-> {label}  ({node['total_ms']:.2f} ms, rows {node['rows_estimated']:,.0f}"
        f" est / {node['rows_actual']:,.0f} actual, buffers {node['shared_hit'] + node['shared_read']:,})"
        f"{mark}"
    )
    out = [line]
    for child in node.get("children", []):
        out += _plan_lines(child, depth + 1)
    return out


def plan_text(plan: dict[str, Any] | None) -> str:
    return "\n".join(_plan_lines(plan["plan"])) if plan else ""


def text_report(data: dict[str, Any]) -> str:
    lines = []
    load = data.get("load")
    if load:
        total = sum(load["rows"].values())
        lines.append(
            f"Loaded {total:,} rows in {load['seconds']:.1f} s ({load['rows_per_second']:,} rows/s)."
        )
    for q in data["queries"]:
        lines.append("")
        lines.append(f"== {q['name']}")
        if q["error"]:
            lines.append(f"ERROR: {q['error']}")
            continue
        lines.append(
            f"before: {_ms(q['before_ms'])}  seq scans: {', '.join(q['seq_scans_before']) or 'none'}"
        )
        if q["plan_before"]:
            lines.append(plan_text(q["plan_before"]))
        for s in q["suggestions"]:
            verdict = "proven" if s["proven"] else ("not used" if not s["used"] else "no gain")
            lines.append(
                f"suggest: {s['ddl']}  [{verdict}: {_ms(s['before_ms'])} -> {_ms(s['after_ms'])}]"
            )
            lines.append(f"         {s['reason']}")
        if q["plan_after"]:
            lines.append(
                f"after: {_ms(q['after_ms'])}  seq scans: {', '.join(q['seq_scans_after']) or 'none'}"
            )
            lines.append(plan_text(q["plan_after"]))
    return "\n".join(lines) + "\n"


def markdown_report(data: dict[str, Any], *, heading: str = "##") -> str:
    """For each key query: the problem plan, the optimised plan, the indexes and the gain."""
    out = []
    for q in data["queries"]:
        out.append(f"{heading} {q['name']}\n")
        out.append(f"```sql\n{q['sql']}\n```\n")
        if q["error"]:
            out.append(f"**Cannot run:** {q['error']}\n")
            continue
        proven = [s for s in q["suggestions"] if s["proven"]]
        gain = ""
        if q["plan_after"] and q["before_ms"] and q["after_ms"]:
            gain = f" ({q['before_ms'] / max(q['after_ms'], 0.001):,.1f}× faster)"
        out.append(
            f"Before: {_ms(q['before_ms'])}, sequential scans on "
            f"{', '.join(q['seq_scans_before']) or 'no table'}. "
            f"After: {_ms(q['after_ms'])}{gain}.\n"
        )
        out.append(f"Problem plan:\n\n```\n{plan_text(q['plan_before'])}\n```\n")
        if proven:
            out.append("| index applied | why | before | after |\n|---|---|---|---|")
            for s in proven:
                ddl = s["ddl"].replace("|", "\\|")
                out.append(
                    f"| `{ddl}` | {s['reason']} | {_ms(s['before_ms'])} | {_ms(s['after_ms'])} |"
                )
            out.append("")
            out.append(f"Optimised plan:\n\n```\n{plan_text(q['plan_after'])}\n```\n")
        else:
            out.append("No index suggestion made this query faster.\n")
    return "\n".join(out)
