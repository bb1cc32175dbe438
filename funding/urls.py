from django.urls import path

from funding import views, views_staff

app_name = "funding"

urlpatterns = [
    # Organization leaders
    path("", views.home, name="home"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/apply/", views.application_start, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/attach/", views.attachment_upload, name="attachment_upload"),
    path("applications/<int:pk>/reports/<str:kind>/", views.report, name="report"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("applications/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement"),
    # Public: the code printed on a grant agreement.
    path("verify/<str:code>/", views.verify_agreement, name="verify_agreement"),
    # Experts
    path("review/", views.review_list, name="review"),
    path("review/<int:pk>/", views.review_score, name="review_score"),
    path("review/calls/<int:pk>/conflicts/", views.conflict_form, name="conflicts"),
    # Street staff
    path("staff/calls/<int:pk>/", views_staff.call_staff, name="call_staff"),
    path("staff/calls/<int:pk>/export/", views_staff.call_export, name="call_export"),
    path("staff/applications/<int:pk>/", views_staff.application_staff, name="application_staff"),
    path(
        "staff/applications/<int:pk>/<str:action>/",
        views_staff.application_action,
        name="application_action",
    ),
    path("staff/tranches/<int:pk>/pay/", views_staff.tranche_pay_view, name="tranche_pay"),
    path(
        "staff/organizations/<int:pk>/", views_staff.organization_grants, name="organization_grants"
    ),
]
