from django.urls import path

from rencai.accounts import views, views_display, views_recovery

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/sms/", views.sms_login_view, name="sms_login"),
    path("login/external/<slug:name>/", views.identity_start, name="identity_start"),
    path("login/external/<slug:name>/callback/", views.identity_callback, name="identity_callback"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("", views_display.dashboard, name="dashboard"),
    path("switch/", views.switch_view, name="switch"),
    path("pinyin/", views.pinyin_view, name="pinyin"),
    path("display/elder/", views_display.elder_mode, name="elder_mode"),
    path("security/", views.security_view, name="security"),
    path("security/logout-everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("recover/", views_recovery.recover, name="recover"),
    path("recover/login-name/", views_recovery.recover_name, name="recover_name"),
    path("recover/sms/", views_recovery.recover_sms, name="recover_sms"),
    path("recover/email/", views_recovery.recover_email, name="recover_email"),
    path("reset/<uidb64>/<token>/", views_recovery.reset_confirm, name="reset_confirm"),
]
