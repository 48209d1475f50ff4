"""Enterprise pages (included by config/page_urls.py)."""

from django.urls import path

from enterprises import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("enterprise/register/", views.enterprise_register, name="enterprise-register"),
    path("enterprise/edit/", views.enterprise_edit, name="enterprise-edit"),
]

urlpatterns += [
    path("cloud/", views.cloud_list, name="cloud-list"),
    path("cloud/new/", views.cloud_new, name="cloud-new"),
    path("cloud/<int:pk>/delete/", views.cloud_delete, name="cloud-delete"),
    path("platforms/", views.platform_usage_list, name="platform-usage-list"),
    path("platforms/<int:pk>/delete/", views.platform_usage_delete, name="platform-usage-delete"),
]
