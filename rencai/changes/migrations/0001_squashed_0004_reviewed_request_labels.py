"""changes 0001–0004 squashed (issue #14). The schema they built; 0003's data steps (number
sequences and history moved onto rencai.process) do nothing on a fresh database, and a
database that applied all four has the squash marked applied (`replaces`). The rights
request's table, which they also built, is rencai.rights' now: its 0001 creates it where
it is missing and adopts it where these migrations made it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('changes', '0001_initial'), ('changes', '0002_change_request_reminder'),
        ('changes', '0003_process_engine'), ('changes', '0004_reviewed_request_labels'),
    ]

    initial = True

    dependencies = [
        ('accounts', '0002_otp_purpose_name'),
        ('catalog', '0001_initial'),
        ('documents', '0001_initial'),
        ('orgs', '0003_search_indexes'),
        ('process', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChangeRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='申请编号')),
                ('kind', models.CharField(choices=[('unit_new', '新增单位信息'), ('unit_change', '修改单位信息'), ('institution_new', '增加院校'), ('major_new', '增加专业'), ('unit_contact', '修改单位电话/单位性质')], max_length=20, verbose_name='申请类型')),
                ('status', models.CharField(choices=[('pending', '待审核'), ('approved', '审核通过'), ('rejected', '审核不通过')], default='pending', max_length=30, verbose_name='状态')),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='名称')),
                ('code', models.CharField(blank=True, max_length=18, verbose_name='代码')),
                ('nature', models.CharField(blank=True, max_length=20, verbose_name='单位性质')),
                ('level', models.CharField(blank=True, max_length=16, verbose_name='隶属层级/办学层次')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='单位电话')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址/所在地')),
                ('education_level', models.CharField(blank=True, max_length=10, verbose_name='学历层次')),
                ('note', models.TextField(blank=True, max_length=1000, verbose_name='补充说明')),
                ('before', models.JSONField(blank=True, default=dict, verbose_name='变更前')),
                ('submitted_at', models.DateTimeField(verbose_name='提交时间')),
                ('due_date', models.DateField(blank=True, null=True, verbose_name='办理期限')),
                ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='期限触发时间')),
                ('due_provisional', models.BooleanField(default=False, verbose_name='期限待节假日安排确认')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('reason', models.TextField(blank=True, max_length=1000, verbose_name='审核意见')),
                ('acting_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.unit', verbose_name='申请单位')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.district', verbose_name='所在区')),
                ('folder', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='documents.folder', verbose_name='附件')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.institution', verbose_name='院校')),
                ('major', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.major', verbose_name='专业')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.office', verbose_name='审核机构')),
                ('requester', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
                ('supervisory_office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.office', verbose_name='主管部门')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='change_requests', to='orgs.unit', verbose_name='单位')),
                ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='催办时间')),
                ('due_action', models.CharField(blank=True, max_length=30, verbose_name='到期操作')),
                ('version', models.PositiveIntegerField(default=1, verbose_name='版本')),
            ],
            options={
                'verbose_name': '信息变更申请',
                'verbose_name_plural': '信息变更申请',
                'ordering': ['-submitted_at', '-id'],
                'indexes': [models.Index(fields=['office', 'status', 'due_at'], name='change_worklist'), models.Index(condition=models.Q(('reminded_at__isnull', True), ('status', 'pending')), fields=['due_at'], name='change_reminder_due')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status', 'pending'), ('decided_at__isnull', False), _connector='OR'), name='change_decided_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='change_reject_has_reason')],
            },
        ),
    ]
