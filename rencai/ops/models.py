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
