from debug_toolbar.toolbar import debug_toolbar_urls
from django.urls import path

from . import views

urlpatterns = [
    path("", views.page),
    path("open-panel/", views.page_opening_panel),
] + debug_toolbar_urls()
