"""Sign in and out, reset a password, accept or send an invitation."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in

from portal.auth import bp, services, sessions
from portal.auth.forms import InvitationForm, LoginForm, ResetRequestForm, SetPasswordForm
from portal.auth.tokens import InvalidLink, read_token
from portal.core.once import sent_once
from portal.core.permissions import administrator_required, visible_schools
from portal.core.text import fold
from portal.core.urls import is_local_path
from portal.extensions import db, limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.user_loader(sessions.load_user)
user_logged_in.connect(sessions.start_idle_clock)
bp.before_app_request(sessions.end_idle_session)


def _account_key() -> str:
    # Per (account, address): failures elsewhere never lock the owner out of their account.
    return f"login-account:{fold(request.form.get('email', ''))}:{get_remote_address()}"


def _failed_login(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed_login)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data)
        except services.WrongCredentials as error:
            db.session.commit()  # keep the audit record of the failed attempt
            form.password.errors.append(_(error.message))
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        db.session.commit()
        return redirect(_safe_next() or url_for("auth.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.errorhandler(429)
def too_many_attempts(error):
    message = _("Too many sign-in attempts. Wait a few minutes before trying again, "
                "or reset your password.")
    return render_template("auth/login.html", form=LoginForm(), throttled=message), 429


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if is_local_path(target) else None


@bp.post("/logout")
@login_required
def logout():
    services.sign_out_everywhere(user=current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
@login_required
def home():
    if current_user.is_guardian:
        return redirect(url_for("family.home"))
    return redirect(url_for("people.home"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(email=form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


def _set_password_page(token: str, purpose: str, max_age_key: str, action):
    try:
        user = read_token(token, purpose, current_app.config[max_age_key])
    except InvalidLink as error:
        return render_template("auth/link_invalid.html", message=_(error.message)), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = action(token=token, password=form.password.data)
        db.session.commit()
        login_user(user)
        flash(_("Your password is set. Welcome!"), "success")
        return redirect(url_for("auth.home"))
    return render_template("auth/set_password.html", form=form, user=user, purpose=purpose)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, "reset", "PASSWORD_RESET_MAX_AGE", services.reset_password)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_page(token, "invitation", "INVITATION_MAX_AGE",
                              services.accept_invitation)


@bp.route("/staff/invite", methods=["GET", "POST"])
@administrator_required
@sent_once
def invite_staff():
    form = InvitationForm()
    form.set_schools([] if current_user.school_id else visible_schools(current_user))
    if form.validate_on_submit():
        school_id = current_user.school_id or form.school_id.data  # one of their district's
        services.invite_user(email=form.email.data, full_name=form.full_name.data,
                             role=form.role.data, school_id=school_id, actor=current_user)
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("auth.invite_staff"))
    return render_template("auth/invite.html", form=form), 400 if form.errors else 200
