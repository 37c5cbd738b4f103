"""English question and answer of help articles (issue #11); the after-card article (0002)
gets its English text here, unless it was edited in the admin."""

from django.db import migrations, models

SLUG = "after-card"
QUESTION_EN = (
    "I have the Guangzhou Household Registration Information Card. How do I register my household?"
)
ANSWER_EN = """1. Download the Guangzhou Household Registration Information Card (PDF) from the "Progress" page of this system and check your name, ID number, registration address and the other details; if anything is wrong, contact the HR and social security office that issued the card.
2. Take the card, your resident ID card, your household register (hukou booklet) and the other documents to the household registration window of the public security bureau for the registration address, and apply there; the documents required are those the public security bureau asks for.
3. The household registration window can check that the card is genuine in this system with the verification code printed on it.
4. For questions, contact the office that issued the card or call 12333."""


def forward(apps, schema_editor):
    Article = apps.get_model("helpdesk", "Article")
    Article.objects.filter(slug=SLUG, customised=False, question_en="").update(
        question_en=QUESTION_EN, answer_en=ANSWER_EN
    )


class Migration(migrations.Migration):
    rencai_safety = "adds blank columns to the small help-article table; no lock on a big table"
    dependencies = [("helpdesk", "0002_after_card_article")]
    operations = [
        migrations.AddField(
            model_name="article",
            name="answer_en",
            field=models.TextField(
                blank=True,
                help_text="格式同“回答”；留空时英文页面显示中文回答。",
                verbose_name="回答（英文）",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="question_en",
            field=models.CharField(blank=True, max_length=600, verbose_name="问题（英文）"),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
