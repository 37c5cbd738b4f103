from django.db import models


class WorkerHeartbeat(models.Model):
    """Each worker process stamps its row after every round, so readiness can tell a dead
    worker from an idle one (an idle round still stamps)."""

    worker = models.CharField(max_length=200, unique=True)  # host:pid
    seen_at = models.DateTimeField()
    rounds = models.PositiveBigIntegerField(default=0)
    last_done = models.PositiveIntegerField(default=0)  # rows the last round handled

    class Meta:
        verbose_name = "后台任务心跳"
        verbose_name_plural = "后台任务心跳"

    def __str__(self) -> str:
        return self.worker


class AnonymisedCase(models.Model):
    """A closed case whose personal data the retention sweep removed (rencai.ops.retention)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="anonymised", primary_key=True
    )
    anonymised_at = models.DateTimeField()

    class Meta:
        verbose_name = "已匿名化的申请"
        verbose_name_plural = "已匿名化的申请"

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.anonymised_at:%Y-%m-%d}"


class DraftDeletionNotice(models.Model):
    """The owner of an abandoned draft was told when it will be deleted."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="deletion_notice", primary_key=True
    )
    notified_at = models.DateTimeField()

    class Meta:
        verbose_name = "草稿删除提醒"
        verbose_name_plural = "草稿删除提醒"

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.notified_at:%Y-%m-%d}"
