"""Sign-in and user-management forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from foia_portal.auth.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from foia_portal.core.vocabulary import Role
from foia_portal.platform.choice_fields import ChoiceRadioField
from foia_portal.platform.text import strip_text

ROLE_CHOICES = [
    SelectChoice(Role.OFFICER.value, "Officer: processes requests and edits FAQs"),
    SelectChoice(
        Role.ADMIN.value, "Administrator: also manages users, sees the audit log, reopens requests"
    ),
]


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[strip_text],
        validators=[DataRequired("Enter your email address."), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX_LENGTH)],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Your work email address",
        filters=[strip_text],
        validators=[
            DataRequired("Enter your work email address."),
            Email("Enter a valid email address, like name@example.gov."),
            Length(max=254),
        ],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description=f"At least {PASSWORD_MIN_LENGTH} characters.",
        validators=[
            DataRequired("Enter a new password."),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=f"Use a password of at least {PASSWORD_MIN_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("password", "The two passwords do not match."),
        ],
    )


class UserForm(FlaskForm):
    """An administrator creates a staff account."""

    email = EmailField(
        "Work email address",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the person's work email address."),
            Email("Enter a valid email address, like name@example.gov."),
            Length(max=254),
        ],
    )
    name = StringField(
        "Full name",
        filters=[strip_text],
        validators=[DataRequired("Enter the person's name."), Length(max=120)],
    )
    role = ChoiceRadioField(
        "Role",
        choices=ROLE_CHOICES,
        default=Role.OFFICER.value,
        validators=[DataRequired("Choose a role.")],
    )
    password = PasswordField(
        "Initial password",
        description=f"At least {PASSWORD_MIN_LENGTH} characters. Give it to the person in person "
        "or by phone, never by email.",
        validators=[
            DataRequired("Enter an initial password."),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=f"Use a password of at least {PASSWORD_MIN_LENGTH} characters.",
            ),
        ],
    )


class UserChangeForm(FlaskForm):
    """Change a role, deactivate or reactivate, issue or revoke API tokens (one button each)."""

    role = ChoiceRadioField(
        "Role", choices=ROLE_CHOICES, validators=[DataRequired("Choose a role.")]
    )
