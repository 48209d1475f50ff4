"""Enterprise pages (included by config/page_urls.py)."""

from django.urls import path

from enterprises import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("enterprise/register/", views.enterprise_register, name="enterprise-register"),
    path("enterprise/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprise/join/", views.enterprise_join, name="enterprise-join"),
    path("join-requests/", views.join_request_list, name="join-requests"),
]
