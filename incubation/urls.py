from django.urls import path

from incubation import views

app_name = "incubation"

urlpatterns = [
    path("", views.organization_list, name="organizations"),
    path("<int:pk>/", views.organization_detail, name="organization"),
    path("<int:pk>/contact/", views.organization_contact_edit, name="contact_edit"),
    path("<int:pk>/documents/", views.organization_documents, name="documents"),
    # In this namespace ``pk`` is an organization's id; a document has its own name.
    path(
        "documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
]
