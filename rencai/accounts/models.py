"""People and the roles they hold."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from rencai.accounts.fields import EncryptedTextField
from rencai.core import clock, crypto
from rencai.core.masking import mask_id_number

ID_CONTEXT = "id_number"
TOTP_CONTEXT = "totp_secret"
_SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


def id_number_index(number: str) -> str:
    return crypto.blind_index(number, context=ID_CONTEXT)


def id_number_indexes(number: str) -> list[str]:
    """For lookups: during a key rotation a row may still carry the previous key's index."""
    return crypto.blind_indexes(number, context=ID_CONTEXT)


def email_is(email: str) -> Exact:
    """The e-mail address equal to this one ignoring case, as the index user_email_ci has it."""
    return Exact(Lower("email"), Lower(Value(email)))


def login_name_is(login_name: str) -> Exact:
    """The login name equal to this one ignoring case, as the unique index
    login_name_unique_ci states it (lower(login_name)), so PostgreSQL looks it up in that
    index. Django's `iexact` is UPPER(login_name) = UPPER(…): no index matches it, and each
    login read every account (0.5 s at 1M accounts, three times per login)."""
    return Exact(Lower("login_name"), Lower(Value(login_name)))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, login_name: str, password: str | None = None, **fields):
        id_number = fields.pop("id_number", None)
        if fields.get("real_name") and "name_pinyin" not in fields:
            from rencai.accounts.pinyin import pinyin_alias

            fields["name_pinyin"], fields["name_pinyin_incomplete"] = pinyin_alias(
                fields["real_name"]
            )
        user = self.model(login_name=login_name, **fields)
        if id_number:
            user.set_id_number(id_number)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, login_name: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("real_name", "系统管理员")
        return self.create_user(login_name, password, **fields)

    def get_by_natural_key(self, login_name: str):
        return self.get(login_name_is(login_name))

    def with_login_name(self, login_name: str):
        return self.filter(login_name_is(login_name))

    def with_email(self, email: str):
        return self.filter(email_is(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A natural person. Officials and unit admins are people holding extra roles."""

    login_name = models.CharField(_("登录名"), max_length=30, unique=True)
    real_name = models.CharField(_("姓名"), max_length=40)
    # Derived with pypinyin for downstream systems that cannot store rare characters;
    # never replaces real_name.
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, blank=True)
    # Set when pypinyin could not read a character (it shows as "?" in name_pinyin): the
    # person (dashboard) or an official (admin) should supply the missing syllables.
    name_pinyin_incomplete = models.BooleanField(_("姓名拼音待补全"), default=False)
    # 长辈版 (MIIT 2021 适老化): larger text and targets, remembered per person (issue #11).
    elder_mode = models.BooleanField(_("长辈版"), default=False)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    mobile = models.CharField(_("手机号码"), max_length=11, unique=True, null=True, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(_("可登录管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    # Sessions created before this instant are invalid ("log out everywhere").
    sessions_valid_after = models.DateTimeField(null=True, blank=True, editable=False)
    # Part of every session's auth hash: raising it ends all sessions for good (a cookie
    # from before does not come back when, say, a disabled account is enabled again).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    totp_secret = EncryptedTextField(context=TOTP_CONTEXT, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "login_name"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Login names are unique ignoring case (the app checks first; this closes races).
            models.UniqueConstraint(
                Lower("login_name"),
                name="login_name_unique_ci",
                violation_error_message=_("登录名：该登录名已被使用（不区分大小写），请换一个。"),
            )
        ]
        # 找回密码 by e-mail looks it up ignoring case (email_is): without this index each
        # request read every account.
        indexes = [models.Index(Lower("email"), name="user_email_ci")]

    def __str__(self) -> str:
        return f"{self.real_name}（{self.login_name}）"

    def save(self, *args, **kwargs):
        # Disabling ends the sessions whatever the path (admin, shell, a service): the
        # generation moves on, so re-enabling later does not revive an old cookie.
        update_fields = kwargs.get("update_fields")
        was_active_generation = None
        if (
            self.pk
            and not self.is_active
            and (update_fields is None or "is_active" in update_fields)
        ):
            was_active_generation = (
                type(self)
                ._base_manager.filter(pk=self.pk, is_active=True)
                .values_list("session_generation", flat=True)
                .first()
            )
        if was_active_generation is not None:  # active in the database, saved inactive now
            self.session_generation = max(self.session_generation, was_active_generation) + 1
            self.sessions_valid_after = clock.now()
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "session_generation",
                    "sessions_valid_after",
                }
        elif update_fields is None and self.pk and not self._state.adding:
            # A full save of an instance loaded before the generation moved on must not
            # write the old number back (that would revive the ended sessions).
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "session_generation"
            ]
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, plus the session generation once it moved on
        (generation 0 keeps Django's own value, so a deploy logs nobody out)."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            _SESSION_HASH_SALT,
            f"{self.password}\x1f{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def set_id_number(self, number: str) -> None:
        self.id_number_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        self.id_number_index = id_number_index(number)
        self.id_number_masked = mask_id_number(number)

    def reveal_id_number(self) -> str:
        """Full number. Callers that show it to an official must audit the access."""
        if not self.id_number_encrypted:
            return ""
        return crypto.decrypt(self.id_number_encrypted, context=ID_CONTEXT)


class RoleGrant(models.Model):
    """A role beyond 'applicant' that a person can act as (FAQ 一.7: switch account type)."""

    class Role(models.TextChoices):
        UNIT_ADMIN = "unit_admin", _("单位系统管理员")
        OFFICIAL = "official", _("机构工作人员")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.CASCADE)
    office = models.ForeignKey("orgs.Office", null=True, blank=True, on_delete=models.CASCADE)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="unit_admin", unit__isnull=False, office__isnull=True)
                    | models.Q(role="official", office__isnull=False, unit__isnull=True)
                ),
                name="role_grant_target_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=models.Q(revoked_at__isnull=True, role="unit_admin"),
                name="one_active_unit_grant",
            ),
            models.UniqueConstraint(
                fields=["user", "office"],
                condition=models.Q(revoked_at__isnull=True, role="official"),
                name="one_active_office_grant",
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.office
        return f"{self.get_role_display()} · {target}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OneTimeCode(models.Model):
    """SMS codes for login and password reset: single use, short-lived, rate-limited."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录")
        RESET = "reset", _("重置密码")
        NAME = "name", _("找回登录名")

    mobile = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["mobile", "purpose", "created_at"], name="otp_mobile_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.mobile[:3]}****{self.mobile[-4:]}"


class ExternalIdentity(models.Model):
    """A person's account at an external identity provider, keyed by (issuer, subject).

    OIDC Core 2: `sub` is unique only within its issuer, so the pair is the identity; one
    link per issuer and person.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("用户")
    )
    issuer = models.CharField(_("身份提供方"), max_length=300)
    subject = models.CharField(_("外部标识"), max_length=255)
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    class Meta:
        verbose_name = _("外部身份")
        verbose_name_plural = _("外部身份")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique"),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="external_identity_one_per_issuer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} · {self.subject}"
