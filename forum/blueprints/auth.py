"""Joining, email verification, signing in and out, password reset, the Charter, and one's account."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..forms import EmptyForm
from ..forms.auth import (
    AcceptForm,
    EmailChangeForm,
    JoinForm,
    NameForm,
    NewPasswordForm,
    PasswordChangeForm,
    ResetRequestForm,
    SignInForm,
    TimeZoneForm,
)
from ..models import DOCUMENTS, DocumentVersion, Organisation, utcnow
from ..models.base import parse_id
from ..models.directory import REGIONS
from ..policy import requires
from ..services import membership, time_zones
from ..web import add_form_error, safe_next
from ..web.limits import (
    JOIN_PER_ADDRESS,
    RESET_PER_ACCOUNT,
    RESET_PER_ADDRESS,
    SIGN_IN_PER_ACCOUNT,
    SIGN_IN_PER_ADDRESS,
    failed,
    limiter,
    submitted_email,
)

bp = Blueprint("auth", __name__)

# The join form's tick-boxes, and the document each accepts.
ACCEPT_FIELDS = {
    "charter": "accept_charter",
    "code-of-conduct": "accept_code_of_conduct",
    "terms": "accept_terms",
}
# Reachable while a new Charter version waits for acceptance.
ACCEPTANCE_EXEMPT = {"static", "auth.accept", "auth.sign_out", "pages.document"}


def _versions_field(versions: dict[str, int]) -> str:
    return ",".join(f"{doc}:{version}" for doc, version in sorted(versions.items()))


def _parse_versions(raw: str) -> dict[str, int]:
    versions = {}
    for part in (raw or "").split(","):
        doc, _, version = part.partition(":")
        if doc in DOCUMENTS and (number := parse_id(version)):
            versions[doc] = number
    return versions


@bp.before_app_request
def require_current_acceptance():
    """A member asked to accept a new Charter, Code or Terms does that before anything else."""
    if request.endpoint in ACCEPTANCE_EXEMPT:
        return None
    member = current_user._get_current_object()  # once: each use of the proxy costs a lookup
    if not member.is_authenticated:
        return None
    # The session's member carries the documents' latest versions, read in the same query.
    current = getattr(member, "current_versions", None)
    if current is None:
        current = DocumentVersion.current_versions()
    if member.documents_to_accept(current):
        target = url_for(
            "auth.accept", next=request.full_path.rstrip("?") if request.method == "GET" else None
        )
        if request.htmx:
            return "", 204, {"HX-Redirect": target}
        return redirect(target)
    return None


# -- joining -----------------------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(JOIN_PER_ADDRESS, methods=["POST"])
def join():
    if current_user.is_authenticated:
        return redirect(url_for("threads.index"))
    form = JoinForm()
    current = {doc: DocumentVersion.current(doc) for doc in DOCUMENTS}
    if request.method == "GET":
        form.versions.data = _versions_field({doc: d.version for doc, d in current.items()})
    elif form.validate_on_submit():
        shown = _parse_versions(form.versions.data)
        accepted = {doc: shown.get(doc) for doc, field in ACCEPT_FIELDS.items() if form[field].data}
        try:
            member = membership.join(form.data, accepted)
        except DomainError as error:
            add_form_error(form, error)
        else:
            _start_session(member, remember=False)
            return redirect(url_for("auth.application"))
    return (
        render_template(
            "auth/join.html",
            form=form,
            documents=current,
            accept_fields=ACCEPT_FIELDS,
            organisations=Organisation.choices(),
            regions=REGIONS,
        ),
        422 if form.errors or form.form_errors else 200,
    )


@bp.get("/application")
@login_required
def application():
    """Where an application stands: confirm the email, wait for the team, or the outcome."""
    return render_template("auth/application.html", form=EmptyForm())


@bp.post("/application/resend")
@login_required
def resend_verification():
    if EmptyForm().validate_on_submit():
        membership.resend_verification(current_user)
        flash(f"We have sent a new link to {current_user.email}.", "success")
    return redirect(url_for("auth.application"))


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token):
    form = EmptyForm()
    try:
        if not form.validate_on_submit():
            # Opening the link changes nothing (mail scanners open links); the button does.
            membership.check_token(token, "verify-email")
            return render_template("auth/verify.html", form=form)
        member = membership.verify_email(token, current_app.config["MEMBERSHIP"])
    except DomainError as error:
        return render_template(
            "auth/token_problem.html", message=error.message, again="auth.application"
        ), 400
    flash("Thank you: your email address is confirmed.", "success")
    if current_user.is_authenticated and current_user.id == member.id:
        target = "auth.application" if member.status != "active" else "threads.index"
        return redirect(url_for(target))
    return redirect(url_for("auth.sign_in"))


# -- signing in and out ------------------------------------------------------------------------


def _start_session(member, remember: bool) -> None:
    # A new session at sign-in: nothing a visitor's session held carries over (no fixation).
    session.clear()
    login_user(member, remember=remember)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_ADDRESS, methods=["POST"])
@limiter.limit(SIGN_IN_PER_ACCOUNT, methods=["POST"], key_func=submitted_email, deduct_when=failed)
def sign_in():
    next_url = safe_next(request.args.get("next"), url_for("threads.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    if form.validate_on_submit():
        member = membership.authenticate(form.email.data, form.password.data)
        if member is not None:
            _start_session(member, remember=form.remember.data)
            if member.status == "applicant":
                return redirect(url_for("auth.application"))
            return redirect(next_url)
        form.form_errors.append("That email and password do not match an account. Check both and try again.")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/sign_in.html", form=form, next_url=request.args.get("next", "")), status


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You are signed out.", "success")
        return redirect(url_for("threads.index"))
    if not current_user.is_authenticated:
        return redirect(url_for("threads.index"))
    return render_template("auth/sign_out.html", form=form)


# -- password reset ----------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(RESET_PER_ADDRESS, methods=["POST"])
@limiter.limit(RESET_PER_ACCOUNT, methods=["POST"], key_func=submitted_email)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        membership.request_password_reset(form.email.data)
        # The same words whether or not the address has an account.
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    form = NewPasswordForm()
    try:
        membership.check_token(token, "reset-password")
    except DomainError as error:
        return render_template(
            "auth/token_problem.html", message=error.message, again="auth.reset_request"
        ), 400
    if form.validate_on_submit():
        try:
            membership.reset_password(token, form.password.data)
        except DomainError as error:
            add_form_error(form, error)
        else:
            logout_user()
            session.clear()
            flash(
                "Your password is changed, and you are signed out everywhere. Sign in with the new one.",
                "success",
            )
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200


# -- the Charter, and one's own account --------------------------------------------------------


@bp.route("/accept", methods=["GET", "POST"])
@login_required
def accept():
    next_url = safe_next(request.args.get("next"), url_for("threads.index"))
    pending = membership.documents_to_accept(current_user)
    if not pending:
        return redirect(next_url)
    form = AcceptForm()
    ticked = [doc.document for doc in pending if request.form.get(f"accept-{doc.document}")]
    missing = [doc for doc in pending if doc.document not in ticked]
    if form.validate_on_submit() and not missing:
        try:
            membership.accept_documents(current_user, _parse_versions(form.versions.data))
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("auth.accept", next=next_url))
        flash("Thank you. You can carry on where you were.", "success")
        return redirect(next_url)
    if request.method == "GET":
        form.versions.data = _versions_field({doc.document: doc.version for doc in pending})
    errors = {doc.document for doc in missing} if request.method == "POST" else set()
    return render_template(
        "auth/accept.html", form=form, pending=pending, errors=errors
    ), 422 if errors else 200


@bp.get("/account")
@requires("manage_own_account")
def account():
    return _account_page()


def _account_page(status=200, **forms):
    forms.setdefault("name_form", NameForm(formdata=None, data={"name": current_user.name}))
    forms.setdefault("email_form", EmailChangeForm(formdata=None))
    forms.setdefault("password_form", PasswordChangeForm(formdata=None))
    if "time_zone_form" not in forms:
        forms["time_zone_form"] = TimeZoneForm(formdata=None, data={"time_zone": current_user.time_zone})
    return render_template("auth/account.html", now=utcnow(), **forms), status


@bp.post("/account/name")
@requires("manage_own_account")
def change_name():
    form = NameForm()
    if not form.validate_on_submit():
        return _account_page(422, name_form=form)
    membership.change_name(current_user, form.name.data)
    flash("Your name is changed.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/email")
@requires("manage_own_account")
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            membership.request_email_change(current_user, form.email.data, form.password.data)
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(f"We have sent a link to {form.email.data}. Your email changes when you use it.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(422, email_form=form)


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token):
    form = EmptyForm()
    try:
        if not form.validate_on_submit():
            membership.check_token(token, "change-email")
            return render_template("auth/verify.html", form=form, new_email=True)
        membership.confirm_email_change(token)
    except DomainError as error:
        return render_template("auth/token_problem.html", message=error.message, again="auth.account"), 400
    flash("Your new email address is confirmed.", "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.sign_in"))


@bp.post("/account/time-zone")
@requires("manage_own_account")
def change_time_zone():
    form = TimeZoneForm()
    if form.validate_on_submit():
        try:
            chosen = time_zones.set_time_zone(current_user, form.time_zone.data)
        except DomainError as error:
            add_form_error(form, error)
        else:
            if chosen:
                flash(f"Your time zone is saved: times are shown in {chosen}.", "success")
            else:
                flash(f"Times are shown in the forum's time zone, {time_zones.site_zone()}.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(422, time_zone_form=form)


@bp.post("/account/password")
@requires("manage_own_account")
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            membership.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            add_form_error(form, error)
        else:
            # This session carries on under the new password; every other one has ended.
            _start_session(current_user._get_current_object(), remember=False)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(422, password_form=form)
