from django.core.management.base import BaseCommand, CommandError

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.credentials import encode_private_key
from certificates.signing_keys import SigningKeyError, rotate_embedded_key


class Command(BaseCommand):
    help = (
        "Rotate the key that signs credentials. Old public keys stay published, so credentials "
        "signed with them keep verifying. With --print, print a new key for "
        "CREDENTIAL_SIGNING_KEY instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="Print a new key and exit.")

    def handle(self, *args, print=False, **options):  # noqa: A002 - the option's name
        if print:
            self.stdout.write(encode_private_key(Ed25519PrivateKey.generate()))
            return
        try:
            key = rotate_embedded_key()
        except SigningKeyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"New signing key {key.key_id} is in use."))
