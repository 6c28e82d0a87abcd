"""A task: a title, a case, an assignee, a due date, a status, and its origin (a kind and a reference).

The origin is generic, so that other domains (scheduled monitoring visits, say) can make tasks
without a schema change: origin_kind names the rule, origin_id the row it is about."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow

RULE_OPEN_SQL = "status = 'open' AND origin_kind NOT IN ('manual', 'visit_follow_up')"
# The open tasks, as the lists write them (casework.db.written): a partial index holds only these.
OPEN_SQL = "status = 'open'"


class TaskStatus(str, enum.Enum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_status_due", "assignee_id", "status", "due_on"),
        Index("ix_tasks_case_status", "case_id", "status"),
        # A team's open tasks by due date: the overdue and due-soon lists read their first rows here,
        # and their counts the index alone (with the case, whose programme is the team's).
        Index("ix_tasks_open_due", "due_on", "id", "case_id", sqlite_where=text(OPEN_SQL),
              postgresql_where=text(OPEN_SQL)),
        # A rule makes one open task per thing it is about, however often it runs. Tasks typed by a
        # person (by hand, or a visit's next steps) may be many per thing.
        Index("uq_tasks_open_origin", "origin_kind", "origin_id", unique=True,
              sqlite_where=text(RULE_OPEN_SQL), postgresql_where=text(RULE_OPEN_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus, "task_status"), default=TaskStatus.OPEN)
    # "manual", "visit_follow_up" (typed at a visit), or the rule that made it: plan_due, plan_item,
    # grant_sent_back, tranche_review, monitoring_visit (origin_id: the scheduled visit)
    origin_kind: Mapped[str] = mapped_column(String(40), default="manual")
    origin_id: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()  # noqa: F821
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    # What a task's line shows, read alike from a task and from a TaskLine (casework.tasks.queries).
    @property
    def case_reference(self) -> str:
        return self.case.reference

    @property
    def assignee_name(self) -> str | None:
        return (self.assignee.full_name or self.assignee.username) if self.assignee else None
