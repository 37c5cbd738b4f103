from django.core.management.base import BaseCommand, CommandError

from rencai.accounts.models import User
from rencai.backoffice.totp import totp_reset
from rencai.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Reset an official's or administrator's TOTP authenticator (lost phone), e.g. the "
        "last superuser's. They enrol again at the next login. Audited with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("login_name")
        parser.add_argument("--reason", required=True, help="why (kept in the audit log)")

    def handle(self, *args, login_name: str, reason: str, **options):
        user = User.objects.filter(login_name=login_name).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {login_name}")
        try:
            totp_reset(user=user, actor=None, reason=reason)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已重置 {login_name} 的动态口令；下次登录时重新绑定。 / TOTP reset.")
