"""The admin's document pages: publishing new versions of the Charter, Code of Conduct and Terms."""

from flask import flash, redirect, render_template, url_for

from ...forms.admin import PublishDocumentForm
from ...models import DOCUMENTS, DocumentVersion
from ...services import documents
from . import bp


@bp.get("/documents")
def document_list():
    current = {slug: DocumentVersion.current(slug) for slug in DOCUMENTS}
    return render_template("admin/documents.html", current=current)


@bp.route("/documents/<any(charter, 'code-of-conduct', terms):document>", methods=["GET", "POST"])
def publish(document):
    current = DocumentVersion.current(document)
    form = PublishDocumentForm(data={"body": current.body_md if current else ""})
    if form.validate_on_submit():
        published = documents.publish(document, form.body.data, form.summary.data)
        flash(
            f"{published.title} version {published.version} is published. Members will be asked to "
            "accept it at their next visit.",
            "success",
        )
        return redirect(url_for("admin.document_list"))
    return render_template("admin/publish.html", form=form, current=current, title=DOCUMENTS[document]), (
        422 if form.errors else 200
    )
