"""The unit-admin rights request, which rencai.changes had until issue #14. A database
whose changes migrations made the table keeps it with its rows (same name, Meta.db_table)
and its content type row moves here; a new database gets the table from this migration."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="changes", target="rights"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=target, model="unitadminrequest").exists():
        ContentType.objects.using(db).filter(app_label=source, model="unitadminrequest").update(
            app_label=target
        )


def move_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="rights", target="changes")


class CreateModelUnlessPresent(migrations.CreateModel):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        tables = schema_editor.connection.introspection.table_names()
        if self.options["db_table"] not in tables:
            super().database_forwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    initial = True
    rencai_safety = (
        "an upgraded database keeps its table (nothing is created) and one content type row "
        "changes its app label; a new database creates an empty table"
    )

    dependencies = [
        ('accounts', '0002_otp_purpose_name'),
        ('changes', '0001_squashed_0004_reviewed_request_labels'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('orgs', '0003_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelUnlessPresent(
            name='UnitAdminRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='申请编号')),
                ('status', models.CharField(choices=[('pending', '待审核'), ('approved', '审核通过'), ('rejected', '审核不通过')], default='pending', max_length=30, verbose_name='状态')),
                ('note', models.TextField(blank=True, max_length=1000, verbose_name='补充说明')),
                ('submitted_at', models.DateTimeField(verbose_name='提交时间')),
                ('due_date', models.DateField(blank=True, null=True, verbose_name='办理期限')),
                ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='期限触发时间')),
                ('due_provisional', models.BooleanField(default=False, verbose_name='期限待节假日安排确认')),
                ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='催办时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('reason', models.TextField(blank=True, max_length=1000, verbose_name='审核意见')),
                ('applicant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
                ('grant', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='admin_request', to='accounts.rolegrant', verbose_name='授权')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.office', verbose_name='审批部门')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='admin_requests', to='orgs.unit', verbose_name='单位')),
                ('due_action', models.CharField(blank=True, max_length=30, verbose_name='到期操作')),
                ('version', models.PositiveIntegerField(default=1, verbose_name='版本')),
            ],
            options={
                'verbose_name': '单位系统管理员权限申请',
                'verbose_name_plural': '单位系统管理员权限申请',
                'ordering': ['-submitted_at', '-id'],
                'db_table': 'changes_unitadminrequest',
                'indexes': [models.Index(fields=['office', 'status', 'due_at'], name='unit_admin_worklist'), models.Index(condition=models.Q(('reminded_at__isnull', True), ('status', 'pending')), fields=['due_at'], name='unit_admin_reminder_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('applicant', 'unit'), name='one_pending_unit_admin_request'), models.CheckConstraint(condition=models.Q(('status', 'pending'), ('decided_at__isnull', False), _connector='OR'), name='unit_admin_decided_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='unit_admin_reject_has_reason')],
            },
        ),
        migrations.RunPython(move_content_type, move_back),
    ]
