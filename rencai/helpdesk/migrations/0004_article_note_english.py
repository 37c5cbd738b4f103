"""English form of the "In Rencai" note of help articles (issue #11); filled by the
reference loader from data/faq_en.json."""

from django.db import migrations, models


class Migration(migrations.Migration):
    rencai_safety = "adds a blank column to the small help-article table; no lock on a big table"
    dependencies = [("helpdesk", "0003_article_english")]
    operations = [
        migrations.AddField(
            model_name="article",
            name="rencai_note_en",
            field=models.TextField(
                blank=True,
                help_text="留空时英文页面显示中文说明。",
                verbose_name="在Rencai中（英文）",
            ),
        ),
    ]
