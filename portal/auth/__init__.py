"""Accounts: login, logout, password reset, invitations."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

