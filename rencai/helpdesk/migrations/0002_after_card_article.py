"""The "after the card" help article (issue #11): shown on the status page once the card
is issued; edited in the admin like every article (slug after-card)."""

from django.db import migrations

SLUG = "after-card"
QUESTION = "取得《广州市入户人员信息卡》后如何办理入户？"
ANSWER = """1. 在本系统“办理进度”页下载《广州市入户人员信息卡》（PDF），核对姓名、身份证号码、入户地址等信息；信息有误请联系出卡的人社部门。
2. 持入户卡、居民身份证和户口簿等材料，到入户地址所属的公安机关户政窗口申请办理落户；所需材料以公安机关的要求为准。
3. 户政窗口可通过入户卡上的核验码在本系统核验入户卡真伪。
4. 如有疑问，请联系出卡的人社部门或拨打12333。"""


def forward(apps, schema_editor):
    Article = apps.get_model("helpdesk", "Article")
    if not Article.objects.filter(slug=SLUG).exists():
        Article.objects.create(
            section=1, number=90, sort=90, slug=SLUG, question=QUESTION, answer=ANSWER
        )


def backward(apps, schema_editor):
    apps.get_model("helpdesk", "Article").objects.filter(slug=SLUG, customised=False).delete()


class Migration(migrations.Migration):
    rencai_safety = "inserts one row into the small help-article table; no lock on a big table"
    dependencies = [("helpdesk", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
