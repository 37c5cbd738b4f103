from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "rencai.cards"
    label = "cards"
    verbose_name = "入户人员信息卡 Registration cards"
