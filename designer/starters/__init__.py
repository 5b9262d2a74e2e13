"""Starter designs offered on "New project": files in this package, read by the normal importer.

Each starter is a DBML or PostgreSQL file next to this module, so what a new project starts
from is plain text anyone can read, diff and improve. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Starter:
    id: str
    title: str
    description: str
    filename: str = ""  # empty for the blank design

    def text(self) -> str:
        return (HERE / self.filename).read_text(encoding="utf-8") if self.filename else ""


STARTERS: dict[str, Starter] = {
    s.id: s
    for s in (
        Starter("blank", "Blank", "An empty design."),
        Starter(
            "saas",
            "SaaS with tenants",
            "Tenants, users and their roles; row-level security isolates each tenant.",
            "saas.sql",
        ),
        Starter("shop", "Shop", "Customers, products, orders, order items, payments.", "shop.dbml"),
        Starter("blog", "Blog", "Authors, posts, tags and comments.", "blog.dbml"),
        Starter(
            "job-queue",
            "Job queue",
            "Queues, jobs claimed with SKIP LOCKED, and every attempt.",
            "job_queue.sql",
        ),
    )
}
