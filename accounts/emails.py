"""Sending an email to a user as text and HTML, from three templates.

`<name>_subject.txt`, `<name>.txt` and `<name>.html` are rendered with the same context;
Django's configured email backend sends the message (console in development, SMTP or a
service in production, locmem in tests). Optional emails pass an unsubscribe link, which goes
in the body (the templates show `unsubscribe_url`) and in the List-Unsubscribe headers, with
one-click unsubscribe (RFC 8058) for the mail clients that offer it.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from wagtail.models import Site

from cms.links import absolute_url
from cms.models import ProviderSettings


def provider_settings():
    """The provider identity that signs emails (the default site's settings), or None."""
    site = Site.objects.filter(is_default_site=True).first()
    return ProviderSettings.for_site(site) if site else None


def render_email(template, context):
    """(subject, text, html) of the email `template` rendered with `context`. A caller
    sending many may pass `provider` (provider_settings()) to read it once."""
    context = {"base": absolute_url(), **context}
    if "provider" not in context:
        context["provider"] = provider_settings()
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send_templated_email(user, template, context, unsubscribe_url=None):
    """Send the email `template` to the user's address, as text with an HTML alternative.

    Raises what the email backend raises, so a caller that records the send can undo it."""
    context = {"user": user, "unsubscribe_url": unsubscribe_url, **context}
    subject, text, html = render_email(template, context)
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()
