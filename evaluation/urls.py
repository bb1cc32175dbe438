from django.urls import path

from evaluation import cockpit_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/<int:cycle_pk>/<int:org_pk>/", views.start, name="start"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("reviews/<int:pk>/versions/", views.versions, name="versions"),
    path("reviews/<int:pk>/report.pdf", views.report_pdf, name="report"),
    path("reviews/<int:pk>/return/", views.staff_return, name="return"),
    path("reviews/<int:pk>/extend/", views.staff_extend, name="extend"),
    path("reviews/<int:pk>/assign/", views.staff_assign, name="assign"),
    path("reviews/<int:pk>/finalize/", views.staff_finalize, name="finalize"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/", views.score, name="score"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("cycles/<int:pk>/", cockpit_views.cockpit, name="cockpit"),
    path("cycles/<int:pk>/reviews/", cockpit_views.cockpit_list, name="cockpit_list"),
    path("cycles/<int:pk>/remind/", cockpit_views.cockpit_remind, name="cockpit_remind"),
]
