"""The admin's import page: upload a file, read its preview, confirm it (see ``imports``)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from . import imports
from .catalog_schema import CatalogError

UPLOAD_TEMPLATE = "admin/frameworks/import/upload.html"
PREVIEW_TEMPLATE = "admin/frameworks/import/preview.html"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=(
            "A catalog as exportcatalog writes it (.json), or ratings (.csv) with the columns "
            "framework, criterion, level, note, source (slugs for the framework and the "
            "criterion, the level's label). At most 1 MB."
        ),
    )
    overwrite = forms.BooleanField(
        label="Replace what editors changed",
        required=False,
        help_text=(
            "Give existing rows the file's values. Otherwise they are left as editors left "
            "them and only new rows are added; rows editors deleted are brought back only "
            "when this is ticked."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known before reading: a huge file is refused without loading it.
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size:,} bytes; an uploaded file may be at most "
                f"{imports.MAX_UPLOAD_BYTES:,} bytes (1 MB)."
            )
        try:
            return imports.read_upload(upload.name, upload.read())
        except CatalogError as error:
            raise forms.ValidationError(error.errors) from error


class ConfirmForm(forms.Form):
    ticket = forms.CharField(widget=forms.HiddenInput)


def _page(request, template, **context):
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "title": "Import a catalog file", **context},
    )


@require_http_methods(["GET", "POST"])
def catalog_import(request):
    """Upload and preview (the upload form's POST), or apply a preview (the confirm form's)."""
    if not imports.can_import(request.user):
        raise PermissionDenied
    if "ticket" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if not form.is_valid():
        return _page(request, UPLOAD_TEMPLATE, form=form)
    upload, overwrite = form.cleaned_data["file"], form.cleaned_data["overwrite"]
    if not imports.can_import(request.user, upload.kind):
        raise PermissionDenied
    version = imports.stored_version()
    try:
        report = imports.preview(upload, overwrite=overwrite, user=request.user)
    except CatalogError as error:
        return _page(request, UPLOAD_TEMPLATE, form=form, upload=upload, errors=error.errors)
    ticket = imports.ticket(upload, overwrite=overwrite, version=version, user=request.user)
    return _page(
        request,
        PREVIEW_TEMPLATE,
        upload=upload,
        overwrite=overwrite,
        report=report,
        confirm_form=ConfirmForm(initial={"ticket": ticket}),
    )


def _confirm(request):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("catalog-import")
    try:
        upload, report = imports.confirm(form.cleaned_data["ticket"], user=request.user)
    except CatalogError as error:
        return _page(request, UPLOAD_TEMPLATE, form=UploadForm(), errors=error.errors)
    messages.success(request, f"Imported {upload.name}: {report.summary()}.")
    return redirect("catalog-import")
